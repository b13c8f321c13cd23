/**
 * Seed 004's campaign timeline: bars from each campaign's start to its end in the company's time
 * zone, one legend entry per status, the ROI in words on each bar, a description that names what
 * runs today, the same figures as a table, and words instead of an empty chart.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createVuetify } from 'vuetify';
import { ChartStub } from './test-helpers.ts';
import CampaignTimeline from './CampaignTimeline.vue';
import { session, type Profile } from '../../api/session.ts';
import { todayIn } from './filters.ts';
import type { CampaignCard } from './types.ts';

vi.mock('./ApexChart.ts', async () => ({ ApexChart: (await import('./test-helpers.ts')).ChartStub }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const chartProps = (w: ReturnType<typeof mount>) => w.getComponent(ChartStub).props() as { options: any; series: any[]; height: number };
const DAY = 86_400_000;

function card(o: Partial<CampaignCard>): CampaignCard {
  return {
    campaignId: '10000000-0000-4000-8000-000000000001', code: 'C-1', name: 'Campaign', status: 'completed', channel: 'email',
    startAt: '2025-01-14T08:00:00.000Z', endAt: '2025-02-14T08:00:00.000Z', budget: '75000.00', roiPercent: null, tier: null,
    revenue: '0.00', cost: '0.00', leads: 0, conversions: 0, sent: 0, delivered: 0, deliveryRate: null, openRate: null, clickRate: null,
    ...o,
  };
}
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const items = [
  card({ campaignId: 'b', code: 'MB-2025', name: 'Marco Bicego New 2025', status: 'sending', startAt: iso(now - 10 * DAY), endAt: iso(now + 20 * DAY), roiPercent: 123.9 }),
  // Ends at 23:30 UTC on 14 February: 15 February in Tokyo, where the company is.
  card({ campaignId: 'a', code: 'SP-1', name: 'Spring Collection Preview', status: 'completed', startAt: '2025-01-13T23:30:00.000Z', endAt: '2025-02-14T23:30:00.000Z', roiPercent: -6.7 }),
  card({ campaignId: 'c', code: 'HL-1', name: 'Holiday Luxury', status: 'paused', startAt: iso(now - 40 * DAY), endAt: iso(now + 5 * DAY), roiPercent: null }),
];

beforeEach(() => {
  session.profile = { permissions: ['analytics:read'], company: { timeZone: 'Asia/Tokyo', currency: 'USD' } } as unknown as Profile;
});
afterEach(() => {
  session.profile = null;
});

describe('CampaignTimeline', () => {
  it('draws each campaign from start to end, earliest first, one series per status with its ROI on the bar', () => {
    const w = mount(CampaignTimeline, { props: { items } });
    const { options, series, height } = chartProps(w);
    expect(options.chart.type).toBe('rangeBar');
    expect(options.plotOptions.bar.horizontal).toBe(true);
    expect(options.xaxis.type).toBe('datetime');
    expect(series.map((s) => s.name)).toEqual(['Completed', 'Paused', 'Sending']);
    expect(series[0].data).toEqual([{ x: 'Spring Collection Preview (SP-1)', y: [Date.parse('2025-01-13T23:30:00.000Z'), Date.parse('2025-02-14T23:30:00.000Z')], roi: -6.7 }]);
    expect(series[2].data[0].x).toBe('Marco Bicego New 2025 (MB-2025)');
    const label = (s: number, p: number) => options.dataLabels.formatter(null, { seriesIndex: s, dataPointIndex: p });
    expect(label(2, 0)).toBe('ROI 123.9\u00a0%');
    expect(label(0, 0)).toBe('ROI −6.7\u00a0%');
    // No ROI (nothing spent): a dash, never 0 %.
    expect(label(1, 0)).toBe('ROI —');
    expect(height).toBe(70 + 3 * 34);
  });

  it('says in words what ran when and what runs today; the table gives the days in the company time zone', async () => {
    const w = mount(CampaignTimeline, { props: { items } });
    const desc = w.get('[data-testid="chart-description"]').text();
    expect(desc).toContain('3 campaigns between 2025-01-14 and ');
    expect(desc).toContain('2 running today: Holiday Luxury, Marco Bicego New 2025.');
    await w.get('[data-testid="toggle-table"]').trigger('click');
    const rows = w.findAll('tbody tr').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows[0]).toEqual(['Spring Collection Preview', 'SP-1', 'Completed', '2025-01-14', '2025-02-15', '33', '−6.7\u00a0%']);
    expect(rows[1]![0]).toBe('Holiday Luxury');
    expect(rows[1]![3]).toBe(todayIn('Asia/Tokyo', new Date(now - 40 * DAY)));
    expect(w.text()).toContain('Asia/Tokyo');
  });

  it('follows the theme: bar labels stay readable on dark bars and light ones', () => {
    const dark = createVuetify({ theme: { defaultTheme: 'dark', themes: { dark: { dark: true, colors: { primary: '#AEB8FF', 'on-surface': '#EEEEEE' } } } } });
    const w = mount(CampaignTimeline, { props: { items }, global: { plugins: [dark] } });
    expect(chartProps(w).options.theme.mode).toBe('dark');
    expect(chartProps(w).options.dataLabels.style.colors).toEqual(['#000000']);
    expect(chartProps(mount(CampaignTimeline, { props: { items } })).options.dataLabels.style.colors).toEqual(['#FFFFFF']);
  });

  it('says when there is nothing to draw, and while it loads', () => {
    expect(mount(CampaignTimeline, { props: { items: [] } }).get('[data-testid="chart-empty"]').text()).toBe('No campaign runs in this period.');
    expect(mount(CampaignTimeline, { props: { items: null } }).get('[data-testid="chart-empty"]').text()).toBe('Loading…');
  });
});
