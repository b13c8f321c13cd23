/**
 * A leaderboard as a person reads it: ranked by the chosen measure, rows without it last and unranked
 * ("—", never 0 %), a withheld retailer name said in words (never its id), and spend with no region
 * named as such.
 */
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { metrics } from './test-helpers.ts';
import LeaderboardTable from './LeaderboardTable.vue';
import type { Breakdown } from './types.ts';

const withRates = (counts: Parameters<typeof metrics>[0], clickRate: number | null) => {
  const m = metrics(counts);
  return { ...m, engagement: { ...m.engagement, clickRate } };
};
const rowsOf = (w: ReturnType<typeof mount>) => w.findAll('tbody tr').map((r) => r.findAll('td').map((c) => c.text()));

describe('LeaderboardTable', () => {
  const retailers: Breakdown = {
    range: { from: '2025-01-14', to: '2025-02-14', days: 32 },
    currency: 'USD',
    dimension: 'retailer',
    items: [
      { key: 'k-betteridge', label: null, region: 'East', masked: true, metrics: withRates({ revenue: '7200.00', delivered: 1800 }, 4.2) },
      { key: 'k-cartier', label: null, region: 'West', masked: true, metrics: withRates({ revenue: '8500.00', delivered: 1800 }, 4.8) },
      { key: 'k-quiet', label: null, region: 'Central', masked: true, metrics: withRates({ revenue: '0.00' }, null) },
    ],
  };

  it('ranks by attributed revenue, then by click rate with the unmeasurable last and unranked', async () => {
    const w = mount(LeaderboardTable, { props: { data: retailers, title: 'Retailers', nameHeader: 'Retailer' } });
    expect(rowsOf(w).map((r) => [r[0], r[2], r[7]])).toEqual([
      ['1', 'West', '$8,500.00'],
      ['2', 'East', '$7,200.00'],
      ['3', 'Central', '$0.00'],
    ]);
    await w.getComponent({ name: 'VSelect' }).vm.$emit('update:modelValue', 'clickRate');
    expect(rowsOf(w).map((r) => [r[0], r[2], r[4]])).toEqual([
      ['1', 'West', '4.8\u00a0%'],
      ['2', 'East', '4.2\u00a0%'],
      ['—', 'Central', '—'],
    ]);
  });

  it('says a name is withheld instead of showing its id', () => {
    const w = mount(LeaderboardTable, { props: { data: retailers, title: 'Retailers', nameHeader: 'Retailer' } });
    expect(rowsOf(w).map((r) => r[1])).toEqual(['Name withheld', 'Name withheld', 'Name withheld']);
    expect(w.text()).not.toContain('k-cartier');
  });

  it('names figures without a region, and shows names it has', () => {
    const regions: Breakdown = { range: null, currency: 'USD', dimension: 'region', items: [{ key: 'East', label: 'East', metrics: metrics({ revenue: '10.00' }) }, { key: '', label: null, metrics: metrics() }] };
    expect(rowsOf(mount(LeaderboardTable, { props: { data: regions, title: 'Regions', nameHeader: 'Region' } })).map((r) => r[1])).toEqual(['East', 'No region']);
  });

  it("ranks and shows regions by their ROI with the campaigns' unregioned spend shared in, and says so", async () => {
    const regions: Breakdown = {
      range: null,
      currency: 'USD',
      dimension: 'region',
      items: [
        // On message cost alone East would be at 14 900 %: the shared spend is what it really cost.
        { key: 'East', label: 'East', metrics: metrics({ revenue: '150.00', cost: '1.00' }), sharedSpend: { cost: '100.00', roiPercent: 50 } },
        { key: 'West', label: 'West', metrics: metrics({ revenue: '90.00', cost: '0.50' }), sharedSpend: { cost: '30.00', roiPercent: 200 } },
      ],
    };
    const w = mount(LeaderboardTable, { props: { data: regions, title: 'Regions', nameHeader: 'Region' } });
    await w.getComponent({ name: 'VSelect' }).vm.$emit('update:modelValue', 'roi');
    expect(rowsOf(w).map((r) => [r[0], r[1], r[7]])).toEqual([
      ['1', 'West', '200.0\u00a0%'],
      ['2', 'East', '50.0\u00a0%'],
    ]);
    expect(w.get('[data-testid="region-roi-note"]').text()).toContain('shared over its regions by the messages it sent to each');
  });
});
