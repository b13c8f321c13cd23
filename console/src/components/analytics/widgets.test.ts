/** The layout editor, the KPI cards and the filter bar as a person uses them. */
import { describe, expect, it } from 'vitest';
import { mount, RouterLinkStub } from '@vue/test-utils';
import DashboardGrid from './DashboardGrid.vue';
import KpiCards from './KpiCards.vue';
import AnalyticsFilters from './AnalyticsFilters.vue';
import { DEFAULT_LAYOUT, type Layout } from './layout.ts';
import { filtersFromQuery } from './filters.ts';
import type { Summary } from './types.ts';

const ids = (l: Layout) => l.map((i) => i.id);

describe('DashboardGrid (layout editor)', () => {
  const grid = (editing = true) =>
    mount(DashboardGrid, { props: { layout: DEFAULT_LAYOUT, editing }, slots: { kpis: '<p>KPI widget</p>', trends: '<p>Trend widget</p>' } });

  it('shows widgets in layout order with their widths, and no editing tools until asked', () => {
    const w = grid(false);
    expect(w.findAll('[data-widget]').map((c) => c.attributes('data-widget'))).toEqual(ids(DEFAULT_LAYOUT));
    expect(w.get('[data-widget="trends"]').classes()).toContain('v-col-md-8');
    expect(w.get('[data-widget="trends"]').classes()).toContain('v-col-12'); // one column on a phone
    expect(w.text()).toContain('Trend widget');
    expect(w.find('[data-testid="later-kpis"]').exists()).toBe(false);
  });

  it('moves, resizes and removes with buttons (keyboard operable) and announces the result', async () => {
    const w = grid();
    await w.get('[data-testid="later-kpis"]').trigger('click');
    const moved = w.emitted('update:layout')![0]![0] as Layout;
    expect(ids(moved).slice(0, 2)).toEqual(['trends', 'kpis']);
    expect(w.get('[data-testid="layout-announce"]').text()).toBe('Key figures is now 2 of 6');
    await w.get('[data-testid="wider-trends"]').trigger('click');
    expect((w.emitted('update:layout')![1]![0] as Layout)[1]).toEqual({ id: 'trends', w: 12 });
    await w.get('[data-testid="remove-heatmap"]').trigger('click');
    expect(ids(w.emitted('update:layout')![2]![0] as Layout)).not.toContain('heatmap');
    expect(w.get('[data-testid="earlier-kpis"]').attributes('disabled')).toBeDefined();
  });

  it('drops a dragged widget onto another', async () => {
    const w = grid();
    await w.get('[data-testid="drag-heatmap"]').trigger('dragstart');
    await w.get('[data-widget="trends"]').trigger('dragover');
    await w.get('[data-widget="trends"]').trigger('drop');
    expect(ids(w.emitted('update:layout')![0]![0] as Layout)).toEqual(['kpis', 'heatmap', 'trends', 'recommendations', 'channels', 'performers']);
  });

  it('offers removed widgets back', async () => {
    const w = mount(DashboardGrid, { props: { layout: DEFAULT_LAYOUT.filter((i) => i.id !== 'channels'), editing: true } });
    const add = w.get('[data-testid="add-widgets"]');
    expect(add.text()).toContain('Channel comparison');
    await add.get('button').trigger('click');
    expect(ids(w.emitted('update:layout')![0]![0] as Layout).at(-1)).toBe('channels');
  });
});

describe('KpiCards', () => {
  const kpi = (value: number | string | null, previous: number | string | null, change: number | string | null, changePercent: number | null) => ({ value, previous, change, changePercent });
  const summary = (o: Partial<Summary['kpis']> = {}): Summary => ({
    range: { from: '2026-01-01', to: '2026-01-31', days: 31 },
    previous: { from: '2025-12-01', to: '2025-12-31', days: 31 },
    currency: 'USD',
    kpis: {
      activeCampaigns: kpi(3, 2, 1, 50), sent: kpi(0, 0, 0, null), delivered: kpi(0, 0, 0, null),
      deliveryRate: kpi(null, null, null, null), openRate: kpi(null, null, null, null), clickRate: kpi(12.5, 15, -2.5, null),
      leads: kpi(120, 100, 20, 20), conversions: kpi(12, 0, 12, null), revenue: kpi('18000.00', '20000.00', '-2000.00', -10),
      spend: kpi('5000.00', '4000.00', '1000.00', 25), budget: kpi('10000.00', null, null, null), budgetUsedPercent: kpi(50, null, null, null),
      roiPercent: kpi(260, null, null, null), ...o,
    },
    unattributed: null,
  });
  const cards = () => mount(KpiCards, { props: { summary: summary(), linkQuery: { preset: 'last-month' } }, global: { stubs: { RouterLink: RouterLinkStub } } });
  const card = (w: ReturnType<typeof cards>, key: string) => w.get(`[data-testid="kpi-${key}"]`).text().replace(/\s+/g, ' ');

  it('writes each figure with its change in words, money exact, percentage points for rates', () => {
    const w = cards();
    expect(card(w, 'revenue')).toContain('$18,000.00');
    expect(card(w, 'revenue')).toContain('down −$2,000.00 (−10.0 %)');
    expect(card(w, 'clickRate')).toContain('down −2.5 pp');
    expect(card(w, 'leads')).toContain('up +20 (20.0 %)');
    expect(card(w, 'spend')).toContain('of $10,000.00 budget, 50.0 % used');
  });

  it('shows "—" for rates with nothing to divide and for a missing previous figure, never 0 % or NaN', () => {
    const w = cards();
    expect(w.get('[data-testid="kpi-openRate"] [data-testid="kpi-value"]').text()).toBe('—');
    expect(card(w, 'openRate')).toContain('no previous figure to compare');
    expect(card(w, 'roiPercent')).toContain('previous period: —');
    expect(w.text()).not.toMatch(/NaN|Infinity/);
    expect(card(w, 'sent')).toContain('unchanged +0');
  });

  it('colours a rise in spend neutrally: the arrow and words carry the direction', () => {
    const w = cards();
    expect(w.get('[data-testid="kpi-spend"] [data-testid="kpi-delta"]').classes()).toContain('text-medium-emphasis');
    expect(w.get('[data-testid="kpi-revenue"] [data-testid="kpi-delta"]').classes()).toContain('text-error');
    expect(w.get('[data-testid="kpi-leads"] [data-testid="kpi-delta"]').classes()).toContain('text-success');
  });
});

describe('AnalyticsFilters', () => {
  const TODAY = '2026-03-15';
  it('turns a preset into its dates and emits the whole filter set', async () => {
    const w = mount(AnalyticsFilters, { props: { filters: filtersFromQuery({ channel: 'sms' }, TODAY), today: TODAY } });
    w.getComponent({ name: 'VSelect' }).vm.$emit('update:modelValue', 'last-month');
    expect(w.emitted('change')![0]![0]).toMatchObject({ preset: 'last-month', from: '2026-02-01', to: '2026-02-28', channel: ['sms'] });
  });

  it('refuses a custom range whose start is after its end, saying why, and emits nothing', async () => {
    const w = mount(AnalyticsFilters, { props: { filters: filtersFromQuery({}, TODAY), today: TODAY } });
    const from = w.get('[data-testid="filter-from"] input');
    await from.setValue('2026-04-01');
    expect(w.emitted('change')).toBeUndefined();
    expect(w.text()).toContain('The first day must not be after the last day.');
    await from.setValue('2026-03-01');
    expect(w.emitted('change')![0]![0]).toMatchObject({ preset: 'custom', from: '2026-03-01', to: '2026-03-15' });
  });
});
