import { describe, expect, it } from 'vitest';
import { runningNowTitle, timeLeft } from './tracking.ts';

const now = Date.parse('2026-03-01T12:00:00Z');
const at = (ms: number) => new Date(now + ms).toISOString();

describe('time left in a tracking window', () => {
  it('counts whole days, then hours on the last day', () => {
    expect(timeLeft(at(3 * 86_400_000 + 5 * 3_600_000), now)).toBe('3 days left');
    expect(timeLeft(at(86_400_000), now)).toBe('1 day left');
    expect(timeLeft(at(5 * 3_600_000 + 60_000), now)).toBe('5 hours left');
    expect(timeLeft(at(3_600_000), now)).toBe('1 hour left');
    expect(timeLeft(at(59 * 60_000), now)).toBe('less than an hour left');
  });

  it('says ended once the end has passed', () => {
    expect(timeLeft(at(0), now)).toBe('ended');
    expect(timeLeft(at(-60_000), now)).toBe('ended');
  });
});

describe('the home section of campaigns running now', () => {
  it('is titled by what its campaigns do: send, track, or both', () => {
    expect(runningNowTitle([])).toBe('Sending now');
    expect(runningNowTitle([false, false])).toBe('Sending now');
    expect(runningNowTitle([true])).toBe('Tracking now');
    expect(runningNowTitle([false, true])).toBe('Sending and tracking now');
  });
});
