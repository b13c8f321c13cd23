/**
 * Seed 004's engagement timeline: sent, delivered, opened and clicked day by day, lines told apart by
 * dash as well as colour, the busiest day in words, the same figures as a table, and words instead
 * of a flat line when nothing went out.
 */
import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createVuetify } from 'vuetify';
import { ChartStub, metrics } from './test-helpers.ts';
import EngagementTimeline from './EngagementTimeline.vue';

vi.mock('./ApexChart.ts', async () => ({ ApexChart: (await import('./test-helpers.ts')).ChartStub }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const chartProps = (w: ReturnType<typeof mount>) => w.getComponent(ChartStub).props() as { options: any; series: any[] };
const daily = [
  { day: '2025-01-14', metrics: metrics({ sent: 9000, delivered: 8820, uniqueOpens: 2100, uniqueClicks: 150, bounces: 180 }) },
  { day: '2025-01-15', metrics: metrics({ sent: 0, delivered: 0, uniqueOpens: 1500, uniqueClicks: 120, unsubscribes: 4 }) },
  { day: '2025-01-16', metrics: metrics({ uniqueOpens: 200, uniqueClicks: 10 }) },
];

describe('EngagementTimeline', () => {
  it('draws sent, delivered, opened and clicked per day, each line with its own dash', () => {
    const w = mount(EngagementTimeline, { props: { daily } });
    const { options, series } = chartProps(w);
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['Sent', [9000, 0, 0]],
      ['Delivered', [8820, 0, 0]],
      ['Opened (people)', [2100, 1500, 200]],
      ['Clicked (people)', [150, 120, 10]],
    ]);
    expect(new Set(options.stroke.dashArray).size).toBe(4);
    expect(options.xaxis.categories).toEqual(['2025-01-14', '2025-01-15', '2025-01-16']);
    expect(options.yaxis.labels.formatter(8820)).toBe('8,820');
  });

  it('says what happened and when most people responded, and gives the table', async () => {
    const w = mount(EngagementTimeline, { props: { daily } });
    expect(w.get('[data-testid="chart-description"]').text()).toBe(
      '2025-01-14 to 2025-01-16: 9,000 sent, 8,820 delivered, 3,800 opened and 280 clicked. Most responses on 2025-01-14: 2,100 opened, 150 clicked. Sent solid line, delivered short dashes, opened long dashes, clicked dotted.',
    );
    await w.get('[data-testid="toggle-table"]').trigger('click');
    expect(w.findAll('tbody tr').map((r) => r.findAll('td').map((c) => c.text()))).toEqual([
      ['2025-01-14', '9,000', '8,820', '2,100', '150', '180', '0'],
      ['2025-01-15', '0', '0', '1,500', '120', '0', '4'],
      ['2025-01-16', '0', '0', '200', '10', '0', '0'],
    ]);
  });

  it('follows the theme', () => {
    const dark = createVuetify({ theme: { defaultTheme: 'dark', themes: { dark: { dark: true, colors: { primary: '#AEB8FF', 'on-surface': '#EEEEEE' } } } } });
    const { options } = chartProps(mount(EngagementTimeline, { props: { daily }, global: { plugins: [dark] } }));
    expect(options.theme.mode).toBe('dark');
    expect(options.xaxis.labels.style.colors).toBe('#EEEEEE');
  });

  it('says so when nothing went out, and while it loads', () => {
    expect(mount(EngagementTimeline, { props: { daily: [{ day: '2025-01-14', metrics: metrics({ leads: 3 }) }] } }).get('[data-testid="chart-empty"]').text()).toBe('Nothing sent, opened or clicked in this period.');
    expect(mount(EngagementTimeline, { props: { daily: null } }).get('[data-testid="chart-empty"]').text()).toBe('Loading…');
  });
});
