import { describe, expect, it } from 'vitest';
import { RepeatCounter, WindowLimiter } from './rate-limit.ts';

describe('RepeatCounter', () => {
  it('lets a key through `limit` times a window, then refuses it until the window ends', () => {
    let now = 1_000;
    const r = new RepeatCounter(3, 60_000, 10, () => now);
    expect([r.allow('a'), r.allow('a'), r.allow('a'), r.allow('a')]).toEqual([true, true, true, false]);
    expect(r.allow('b')).toBe(true); // other keys are unaffected
    now += 30_000;
    expect(r.allow('a')).toBe(false);
    expect(r.retryAfter()).toBe(30);
    now += 30_000;
    expect(r.allow('a')).toBe(true);
  });

  it('counts at most maxKeys distinct keys: a flood of new keys is let through, never refused', () => {
    const r = new RepeatCounter(1, 60_000, 2, () => 0);
    expect(r.allow('a')).toBe(true);
    expect(r.allow('b')).toBe(true);
    // 'c' arrives past the cap: it is not counted, so its repeats pass too…
    expect([r.allow('c'), r.allow('c')]).toEqual([true, true]);
    // …while counted keys keep their limit.
    expect(r.allow('a')).toBe(false);
  });
});

describe('WindowLimiter', () => {
  it('does not rescan its whole table on every hit once it holds many keys', () => {
    let now = 0;
    const l = new WindowLimiter(5, 60_000, () => now);
    for (let i = 0; i < 100_050; i++) l.hit(`k${i}`);
    const started = performance.now();
    for (let i = 0; i < 5_000; i++) l.hit(`x${i}`);
    // One scan of 100 000 keys takes ~5 ms; a scan per hit would take tens of seconds here.
    expect(performance.now() - started).toBeLessThan(2_000);
    now = 61_000;
    l.hit('late'); // past the window and past a tenth of it since the last sweep: expired keys go
    expect(l.retryAfter('k1')).toBe(0);
  });
});
