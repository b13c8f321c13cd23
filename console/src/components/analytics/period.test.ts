/**
 * A campaign's filter bar: all time unless a period is chosen, presets and custom dates written to the
 * URL (the rest of the URL kept), and the filters it arrived with shown and removable one by one.
 */
import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defineComponent, h } from 'vue';
import CampaignPeriod from './CampaignPeriod.vue';
import { filtersFromQuery } from './filters.ts';

const TODAY = '2026-11-24';

async function at(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/analytics/campaigns/:id', component: defineComponent({ render: () => h('div') }) }] });
  await router.push(path);
  const q = router.currentRoute.value.query;
  const hasPeriod = ['preset', 'from', 'to'].some((k) => q[k] !== undefined);
  const w = mount(CampaignPeriod, { props: { filters: filtersFromQuery(q, TODAY), hasPeriod, teamNames: { 't-1': 'North sales' } }, global: { plugins: [router] } });
  return { w, router, select: (v: string) => w.getComponent({ name: 'VSelect' }).vm.$emit('update:modelValue', v) };
}

describe('CampaignPeriod', () => {
  it('reads all time by default and writes a preset to the URL, keeping the tab', async () => {
    const { w, router, select } = await at('/analytics/campaigns/c1?tab=funnel');
    expect(w.getComponent({ name: 'VSelect' }).props('modelValue')).toBe('all');
    await select('7d');
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ tab: 'funnel', preset: '7d' }));
  });

  it('goes back to all time, and to custom dates that start from the range on screen', async () => {
    const { w, router, select } = await at('/analytics/campaigns/c1?preset=last-month&tab=conversions');
    expect(w.getComponent({ name: 'VSelect' }).props('modelValue')).toBe('last-month');
    await select('custom');
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ tab: 'conversions', from: '2026-10-01', to: '2026-10-31' }));
    const custom = await at('/analytics/campaigns/c1?from=2026-10-01&to=2026-10-31');
    const [from, to] = custom.w.findAll('input[type="date"]');
    expect([(from!.element as HTMLInputElement).value, (to!.element as HTMLInputElement).value]).toEqual(['2026-10-01', '2026-10-31']);
    // A last day before the first is not written.
    await to!.setValue('2026-09-01');
    await from!.setValue('2026-10-10');
    await vi.waitFor(() => expect(custom.router.currentRoute.value.query).toEqual({ from: '2026-10-10', to: '2026-10-31' }));
    await custom.select('all');
    await vi.waitFor(() => expect(custom.router.currentRoute.value.query).toEqual({}));
  });

  it('shows the filters it came with, and removes one at a time', async () => {
    const { w, router } = await at('/analytics/campaigns/c1?region=East,West&channel=sms&team=t-1');
    const chips = w.findAll('.v-chip');
    expect(chips.map((c) => c.text())).toEqual(['Channel: SMS', 'Region: East', 'Region: West', 'Team: North sales']);
    await chips[1]!.get('[aria-label="Remove Region: East"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ region: 'West', channel: 'sms', team: 't-1' }));
    await chips[0]!.get('[aria-label="Remove Channel: SMS"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ region: 'West', team: 't-1' }));
  });
});
