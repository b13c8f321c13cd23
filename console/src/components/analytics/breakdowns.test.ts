/**
 * A campaign's retailers and regions (seed 004's campaign page) against a fake API: which period and
 * campaign it asks for — the page's period, or the campaign's own days up to today when it runs on —
 * and a retailer table and a region table from the answers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { session, type Profile } from '../../api/session.ts';
import { todayIn } from './filters.ts';
import { metrics } from './test-helpers.ts';
import CampaignBreakdowns from './CampaignBreakdowns.vue';

const CAMPAIGN = '10000000-0000-4000-8000-000000000001';
let asked: URL[];
const mounted: { unmount(): void }[] = [];
const open = (props: InstanceType<typeof CampaignBreakdowns>['$props']) => {
  const w = mount(CampaignBreakdowns, { props });
  mounted.push(w);
  return w;
};
const json = (body: unknown) => ({ ok: true, status: 200, json: async () => body });

beforeEach(() => {
  asked = [];
  session.profile = { permissions: ['read', 'analytics:read', 'pii:read'], company: { timeZone: 'Europe/Berlin', currency: 'USD' } } as unknown as Profile;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://console.test');
      asked.push(url);
      const dimension = url.pathname.split('/').at(-1);
      const items =
        dimension === 'retailer'
          ? [{ key: 'k1', label: 'Cartier Rodeo Drive', region: 'West', masked: false, metrics: metrics({ revenue: '8500.00', delivered: 600, uniqueClicks: 29 }) }]
          : [{ key: 'East', label: 'East', metrics: metrics({ revenue: '1200.00' }) }, { key: 'West', label: 'West', metrics: metrics({ revenue: '8500.00' }) }];
      return json({ range: null, currency: 'USD', dimension, items });
    }),
  );
});
afterEach(() => {
  for (const w of mounted.splice(0)) w.unmount();
  session.profile = null;
  vi.unstubAllGlobals();
});

describe('CampaignBreakdowns', () => {
  it("reads a finished campaign over its own days (Berlin), for that campaign only, and lists retailers and regions", async () => {
    const w = open({ campaignId: CAMPAIGN, startAt: '2025-01-13T23:30:00Z', endAt: '2025-02-14T12:00:00Z', query: {} });
    await flushPromises();
    expect(asked.map((u) => u.pathname)).toEqual(['/api/analytics/breakdowns/retailer', '/api/analytics/breakdowns/region']);
    for (const u of asked) expect(Object.fromEntries(u.searchParams)).toEqual({ from: '2025-01-14', to: todayIn('Europe/Berlin'), campaign: CAMPAIGN });
    expect(w.get('[data-testid="breakdown-period"]').text()).toBe(`Figures for 2025-01-14 – ${todayIn('Europe/Berlin')}.`);
    expect(w.get('[data-testid="leaderboard-retailer"] tbody tr').text()).toContain('Cartier Rodeo Drive');
    expect(w.findAll('[data-testid="leaderboard-region"] tbody tr').map((r) => r.findAll('td')[1]!.text())).toEqual(['West', 'East']);
  });

  it("takes the page's period and filters, ends a future campaign's days at its end, and says when names are masked", async () => {
    const first = open({ campaignId: CAMPAIGN, startAt: '2025-01-01T00:00:00Z', endAt: '2025-01-31T00:00:00Z', query: { from: '2025-01-10', to: '2025-01-20', channel: 'email', campaign: 'ignored' } });
    await flushPromises();
    expect(Object.fromEntries(asked[0]!.searchParams)).toEqual({ from: '2025-01-10', to: '2025-01-20', channel: 'email', campaign: CAMPAIGN });
    first.unmount();
    asked = [];
    session.profile = { permissions: ['read', 'analytics:read'], company: { timeZone: 'Europe/Berlin', currency: 'USD' } } as unknown as Profile;
    const end = new Date(Date.now() + 40 * 86_400_000).toISOString();
    const w = open({ campaignId: CAMPAIGN, startAt: new Date().toISOString(), endAt: end, query: {} });
    await flushPromises();
    expect(asked[0]!.searchParams.get('to')).toBe(todayIn('Europe/Berlin', new Date(end)));
    expect(w.get('[data-testid="breakdown-period"]').text()).toContain('retailer names are masked for your role');
  });
});
