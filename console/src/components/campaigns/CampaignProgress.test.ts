/** The progress widget: counts and percentage in words, and a rate and ETA only while sending. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import CampaignProgress from './CampaignProgress.vue';

const counts = (sent: number, failed = 0, skipped = 0, audience = 1000) => ({ audience, sent, failed, skipped, remaining: audience - sent - failed - skipped });
const shown = (w: ReturnType<typeof mount>) => Object.fromEntries(w.findAll('dl > div').map((d) => [d.get('dt').text(), d.get('dd').text()]));

describe('CampaignProgress', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('shows each count and the share handled, beside the bar and as its accessible name', () => {
    const w = mount(CampaignProgress, { props: { counts: counts(300, 40, 60), sending: false } });
    expect(shown(w)).toEqual({ Audience: '1,000', Sent: '300', Failed: '40', Skipped: '60', Remaining: '600' });
    expect(w.get('[data-testid="progress-percent"]').text()).toBe('40%');
    const bar = w.get('[role="progressbar"]');
    expect(bar.attributes('aria-label')).toBe('40% of the audience handled');
    expect(bar.attributes('aria-valuenow')).toBe('40');
    // The percentage is not drawn on the bar itself.
    expect(bar.text()).toBe('');
  });

  it('while sending, works out the rate from the counts it has seen and says when it will be done', async () => {
    const w = mount(CampaignProgress, { props: { counts: counts(100), sending: true } });
    expect(shown(w)).not.toHaveProperty('Rate'); // one sample: no rate yet
    vi.advanceTimersByTime(10_000);
    await w.setProps({ counts: counts(300) });
    expect(shown(w)).toMatchObject({ Rate: '20 / s', 'Done in about': '35 s' }); // 700 left at 20/s
    vi.advanceTimersByTime(10_000);
    await w.setProps({ counts: counts(900) });
    // 800 in 20 s = 40/s; 100 left → 3 s.
    expect(shown(w)).toMatchObject({ Rate: '40 / s', 'Done in about': '3 s' });
  });

  it('says minutes once the end is more than 90 s away', async () => {
    const w = mount(CampaignProgress, { props: { counts: counts(100, 0, 0, 100_000), sending: true } });
    vi.advanceTimersByTime(10_000);
    await w.setProps({ counts: counts(300, 0, 0, 100_000) });
    // 99 700 left at 20/s = 4 985 s.
    expect(shown(w)).toMatchObject({ Rate: '20 / s', 'Done in about': '84 min' });
  });

  it('shows no rate or ETA once sending has stopped, and 0 % for an empty audience', async () => {
    const w = mount(CampaignProgress, { props: { counts: counts(100), sending: true } });
    vi.advanceTimersByTime(5_000);
    await w.setProps({ counts: counts(200), sending: false });
    expect(Object.keys(shown(w))).toEqual(['Audience', 'Sent', 'Failed', 'Skipped', 'Remaining']);
    const empty = mount(CampaignProgress, { props: { counts: counts(0, 0, 0, 0), sending: false } });
    expect(empty.get('[data-testid="progress-percent"]').text()).toBe('0%');
  });
});
