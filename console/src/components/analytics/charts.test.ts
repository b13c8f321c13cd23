/**
 * Chart widgets: the options handed to ApexCharts follow the data and the theme, every chart has a
 * description and a keyboard-reachable table, and empty or zero data says so in words ("—", never
 * 0 % or NaN).
 */
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h, type Component } from 'vue';
import { mount, RouterLinkStub } from '@vue/test-utils';
import { createVuetify } from 'vuetify';
import { ChartStub, metrics } from './test-helpers.ts';
import TrendChart from './TrendChart.vue';
import ChannelChart from './ChannelChart.vue';
import FunnelChart from './FunnelChart.vue';
import RoiChart from './RoiChart.vue';
import HeatmapChart from './HeatmapChart.vue';
import { provideStillCharts } from './chart-theme.ts';
import type { Channels, Funnel, Performance } from './types.ts';

vi.mock('./ApexChart.ts', async () => ({ ApexChart: (await import('./test-helpers.ts')).ChartStub }));

const stubs = { RouterLink: RouterLinkStub };
const text = (w: { text(): string }) => w.text().replace(/\s+/g, ' ');
/** A table row as read aloud: its cells, separated. */
const cells = (r: ReturnType<ReturnType<typeof mount>['findAll']>[number]) => r.findAll('th, td').map((c) => c.text().replace(/\s+/g, ' ')).join(' ');
const tableText = (w: ReturnType<typeof mount>, sel: string) => w.get(sel).findAll('tr').map(cells).join(' | ');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const chartProps = (w: ReturnType<typeof mount>) => w.getComponent(ChartStub).props() as { options: any; series: any[] };

describe('TrendChart', () => {
  const items = [
    { key: '2026-01-05', metrics: metrics({ leads: 50, conversions: 5, revenue: '7500.00' }) },
    { key: '2026-01-06', metrics: metrics({ leads: 40, conversions: 4, revenue: '6000.00' }) },
  ];

  it('draws leads, conversions and revenue per day and describes them', () => {
    const w = mount(TrendChart, { props: { items }, global: { stubs } });
    const { options, series } = chartProps(w);
    expect(series.map((s) => s.data)).toEqual([[50, 40], [5, 4], [7500, 6000]]);
    expect(options.xaxis.categories).toEqual(['2026-01-05', '2026-01-06']);
    expect(options.yaxis[2].labels.formatter(7500)).toBe('$7,500.00');
    expect(w.get('[data-testid="chart-description"]').text()).toContain('90 leads and 9 conversions');
  });

  it('re-computes when the data changes (the whole options object is replaced)', async () => {
    const w = mount(TrendChart, { props: { items }, global: { stubs } });
    const before = chartProps(w).options;
    await w.setProps({ items: [...items, { key: '2026-01-07', metrics: metrics({ leads: 30 }) }] });
    expect(chartProps(w).options).not.toBe(before);
    expect(chartProps(w).options.xaxis.categories).toHaveLength(3);
  });

  it('follows the theme: dark mode and the theme text colour', () => {
    const dark = createVuetify({ theme: { defaultTheme: 'dark', themes: { dark: { dark: true, colors: { primary: '#AEB8FF', 'on-surface': '#EEEEEE' } } } } });
    const light = mount(TrendChart, { props: { items }, global: { stubs } });
    const w = mount(TrendChart, { props: { items }, global: { stubs, plugins: [dark] } });
    expect(chartProps(light).options.theme.mode).toBe('light');
    expect(chartProps(w).options.theme.mode).toBe('dark');
    expect(chartProps(w).options.chart.foreColor).toBe('#EEEEEE');
    expect(chartProps(w).options.colors[0]).toBe('#AEB8FF');
  });

  it('offers the same figures as a table, toggled from the keyboard', async () => {
    const w = mount(TrendChart, { props: { items }, global: { stubs } });
    const toggle = w.get('[data-testid="toggle-table"]');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    await toggle.trigger('click');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    const rows = w.findAll('tbody tr').map(cells);
    expect(rows).toEqual(['2026-01-05 50 5 $7,500.00', '2026-01-06 40 4 $6,000.00']);
    expect(w.get('[role="figure"]').attributes('aria-describedby')).toBe(w.get('[data-testid="chart-description"]').attributes('id'));
  });

  it('says there is nothing to draw instead of a flat line of zeros', () => {
    const w = mount(TrendChart, { props: { items: [{ key: '2026-01-05', metrics: metrics() }] }, global: { stubs } });
    expect(w.find('[data-testid="apex"]').exists()).toBe(false);
    expect(w.get('[data-testid="chart-empty"]').text()).toBe('No leads, conversions or revenue in this period.');
  });
});

describe('ChannelChart', () => {
  const row = (channel: string, leads: number, roi: number | null, trackedOnly = false) => ({
    channel, trackedOnly, campaigns: 1, leads, conversions: 0, revenue: '0.00', cost: roi === null ? '0.00' : '100.00',
    roiPercent: roi, averageRoiPercent: roi, costPerLead: roi === null ? null : '41.67', costPerConversion: null, metrics: metrics(),
  });
  const channels = { range: null, currency: 'USD', items: [row('sms', 120, 260), row('paid_ads', 120, 260, true), row('email', 0, null)] } as Channels;

  it('compares channels, tracked-only ones marked, a channel without cost shown as "—" not 0 %', async () => {
    const w = mount(ChannelChart, { props: { channels, linkQuery: { preset: '7d' } }, global: { stubs } });
    const { options, series } = chartProps(w);
    expect(options.xaxis.categories).toEqual(['SMS', 'Paid ads (tracked)', 'Email']);
    expect(series[1].data).toEqual([260, 260, null]);
    expect(options.tooltip.y.formatter(null, { seriesIndex: 1 })).toBe('—');
    await w.get('[data-testid="toggle-table"]').trigger('click');
    const email = cells(w.findAll('tbody tr')[2]!);
    expect(email).toContain('Email');
    expect(email).toContain('—');
    expect(email).not.toMatch(/0\.0\s%|NaN/);
  });

  it('drills from a channel to its campaigns, keeping the filters', () => {
    const w = mount(ChannelChart, { props: { channels, linkQuery: { preset: '7d' } }, global: { stubs } });
    const links = w.findAllComponents(RouterLinkStub).map((l) => l.props('to'));
    expect(links[0]).toEqual({ name: 'analytics-campaigns', query: { preset: '7d', channel: 'sms' } });
  });
});

describe('FunnelChart', () => {
  const funnel: Funnel = {
    name: 'journey',
    stages: [
      { key: 'awareness', count: 10000, recorded: true, rateFromPrevious: null, dropOff: null, dropOffPercent: null },
      { key: 'interest', count: 500, recorded: true, rateFromPrevious: 5, dropOff: 9500, dropOffPercent: 95 },
      { key: 'consideration', count: 120, recorded: true, rateFromPrevious: 24, dropOff: 380, dropOffPercent: 76 },
    ],
    overallEfficiency: 1.2,
    bottleneck: { stage: 'interest', rateFromPrevious: 5 },
  };

  it('names the bottleneck in words and marks it in the chart and table, not by colour alone', async () => {
    const w = mount(FunnelChart, { props: { funnel, title: 'Journey' }, global: { stubs } });
    expect(text(w.get('[data-testid="funnel-journey-summary"]'))).toContain('Overall efficiency 1.2 %. Bottleneck: Interest — only 5.0 % of the previous stage get there.');
    expect(chartProps(w).options.xaxis.categories).toEqual(['Awareness', 'Interest ⚠', 'Consideration']);
    await w.get('[data-testid="toggle-table"]').trigger('click');
    expect(cells(w.findAll('tbody tr')[1]!)).toBe('Interest (bottleneck) 500 5.0 % 95.0 %');
    expect(cells(w.findAll('tbody tr')[0]!)).toBe('Awareness 10,000 — —');
  });

  it('says a stage nothing records is not recorded, instead of 0', async () => {
    const skipped = { ...funnel, stages: [...funnel.stages, { key: 'intent', count: 0, recorded: false, rateFromPrevious: null, dropOff: null, dropOffPercent: null }] };
    const w = mount(FunnelChart, { props: { funnel: skipped, title: 'Journey' }, global: { stubs } });
    expect(chartProps(w).options.xaxis.categories.at(-1)).toBe('Intent (not recorded)');
    await w.get('[data-testid="toggle-table"]').trigger('click');
    expect(cells(w.findAll('tbody tr')[3]!)).toBe('Intent (not recorded) — — —');
  });

  it('says nothing has entered an empty funnel', () => {
    const empty = { ...funnel, stages: funnel.stages.map((s) => ({ ...s, count: 0, rateFromPrevious: null })), overallEfficiency: null, bottleneck: null };
    const w = mount(FunnelChart, { props: { funnel: empty, title: 'Journey' }, global: { stubs } });
    expect(w.get('[data-testid="chart-empty"]').text()).toContain('Nothing has entered this funnel yet.');
  });
});

describe('RoiChart', () => {
  const fin = (o: Partial<Performance['financial']> = {}): Performance['financial'] => ({
    ...metrics().money, budget: '5000.00', spent: '5000.00', budgetRemaining: '0.00', budgetUsedPercent: 100, ...o,
  });

  it("shows seed 003's example: ROI 260.0 %, margin 72.2 %, CPL $41.67, profitable", () => {
    const w = mount(RoiChart, {
      props: { financial: fin({ revenue: '18000.00', cost: '5000.00', netProfit: '13000.00', roiPercent: 260, roiMultiple: 2.6, marginPercent: 72.22, costPerLead: '41.67', costPerConversion: '416.67' }) },
      global: { stubs },
    });
    const t = tableText(w, '[data-testid="financial-table"]');
    for (const f of ['Net profit $13,000.00', 'ROI 260.0 %', 'ROI multiple 2.6×', 'Profit margin 72.2 %', 'Cost per lead $41.67']) expect(t).toContain(f);
    expect(w.get('[data-testid="profitability"]').text()).toBe('Profitable');
    expect(chartProps(w).series[0].data).toEqual([5000, 5000, 18000]);
  });

  it('says "—" for ROI and margin when nothing was spent or earned, and why', () => {
    const w = mount(RoiChart, { props: { financial: fin({ spent: '0.00', budgetUsedPercent: 0 }) }, global: { stubs } });
    const t = tableText(w, '[data-testid="financial-table"]');
    expect(t).toContain('ROI —');
    expect(t).toContain('Profit margin —');
    expect(t).not.toMatch(/NaN|Infinity/);
    expect(w.get('[data-testid="profitability"]').text()).toBe('No cost recorded yet, so no ROI');
  });

  it('calls a loss a loss, in words', () => {
    const w = mount(RoiChart, { props: { financial: fin({ revenue: '1000.00', cost: '5000.00', netProfit: '-4000.00', roiPercent: -80 }) }, global: { stubs } });
    expect(w.get('[data-testid="profitability"]').text()).toContain('Loss-making');
    expect(tableText(w, '[data-testid="financial-table"]')).toContain('Net profit −$4,000.00');
  });
});

describe('HeatmapChart', () => {
  it('puts each cell under its weekday and hour, Monday first, and names the busiest hour', async () => {
    const heatmap = { range: null, timeZone: 'Europe/Paris', cells: [{ weekday: 1, hour: 9, opens: 30, clicks: 5 }, { weekday: 0, hour: 20, opens: 2, clicks: 0 }] };
    const w = mount(HeatmapChart, { props: { heatmap }, global: { stubs } });
    const { series } = chartProps(w);
    // ApexCharts draws the first series at the bottom: Sunday there, Monday on top.
    expect(series.at(-1).name).toBe('Mon');
    expect(series.at(-1).data[9]).toEqual({ x: '09', y: 35 });
    expect(series[0].name).toBe('Sun');
    expect(w.get('[data-testid="chart-description"]').text()).toContain('Busiest: Monday 09:00 with 35');
    expect(text(w)).toContain('Europe/Paris');
  });

  it('has nothing to draw without opens or clicks', () => {
    const w = mount(HeatmapChart, { props: { heatmap: { range: null, timeZone: 'UTC', cells: [] } }, global: { stubs } });
    expect(w.get('[data-testid="chart-empty"]').text()).toBe('No opens or clicks in this period.');
  });
});

describe('the dashboard charts hold their place', () => {
  const trend = [{ key: '2026-01-05', metrics: metrics({ leads: 5 }) }];
  const channels = {
    range: null,
    currency: 'USD',
    items: [{ channel: 'email', trackedOnly: false, campaigns: 1, leads: 5, conversions: 1, revenue: '10.00', cost: '1.00', roiPercent: 900, averageRoiPercent: 900, costPerLead: '0.20', costPerConversion: '1.00', metrics: metrics() }],
  } as Channels;
  const heatmap = { range: null, timeZone: 'UTC', cells: [{ weekday: 1, hour: 9, opens: 3, clicks: 1 }] };
  const cases: [string, Component, Record<string, unknown>, Record<string, unknown>][] = [
    ['TrendChart', TrendChart, { items: null }, { items: trend }],
    ['ChannelChart', ChannelChart, { channels: null, linkQuery: {} }, { channels, linkQuery: {} }],
    ['HeatmapChart', HeatmapChart, { heatmap: null }, { heatmap }],
  ];

  it.each(cases)('%s keeps the drawing\'s height while its figures load, and its chart area keeps it until the chart draws', async (_, widget, loading, loaded) => {
    const w = mount(widget, { props: loading, global: { stubs } });
    expect(w.get('[data-testid="chart-empty"]').text()).toBe('Loading…');
    const reserved = w.get('[data-testid="chart-empty"]').attributes('style');
    await w.setProps(loaded);
    const height = Number(w.getComponent(ChartStub).props('height'));
    expect(height).toBeGreaterThan(200);
    expect(reserved).toBe(`min-height: ${height}px;`);
    expect(w.get('[data-testid="chart-area"]').attributes('style')).toBe(`min-height: ${height}px;`);
  });

  it('a period with nothing to draw says so in a line, not in a chart-sized blank', () => {
    const w = mount(TrendChart, { props: { items: [{ key: '2026-01-05', metrics: metrics() }] }, global: { stubs } });
    expect(w.get('[data-testid="chart-empty"]').attributes('style')).toBeUndefined();
  });

  it('charts under a page that asks for still charts (the dashboard) draw without animation; elsewhere they animate', () => {
    const Still = defineComponent({
      setup() {
        provideStillCharts();
        return () => h(TrendChart, { items: trend });
      },
    });
    expect(chartProps(mount(Still, { global: { stubs } })).options.chart.animations.enabled).toBe(false);
    expect(chartProps(mount(TrendChart, { props: { items: trend }, global: { stubs } })).options.chart.animations.enabled).toBe(true);
  });
});
