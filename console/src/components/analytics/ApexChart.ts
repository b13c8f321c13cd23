/**
 * ApexCharts, loaded only when a chart is first drawn: it is the largest library in the console, so
 * it gets a chunk of its own and pages without charts never download it.
 *
 * Charts draw one at a time, each in a task of its own after the browser has painted what came
 * before (drawQueue.ts). A page's figures arrive together; drawing every chart in the same task
 * would hold the main thread for the whole batch before the KPI cards or anything else could paint
 * or answer a click, so the cards are painted first and each chart follows a frame later. A chart
 * holds its place until then: widgets reserve their chart's height (ChartFrame's `height`), so
 * nothing around it moves when it appears.
 */
import { defineComponent, h, onBeforeUnmount, onMounted, shallowRef, type Component } from 'vue';
import { afterPaint } from './drawQueue.ts';

let loading: Promise<Component> | undefined;
/** The chart chunk, imported once; a failed import is tried again by the next chart. */
export function loadApexChart(): Promise<Component> {
  loading ??= import('./apex-core.ts').then(
    (m) => m.default as Component,
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

export const ApexChart = defineComponent({
  name: 'ApexChart',
  inheritAttrs: false,
  setup(_, { attrs }) {
    const chart = shallowRef<Component | null>(null);
    let mounted = true;
    onMounted(async () => {
      const loaded = await loadApexChart();
      // Its turn in the page's drawing order (charts mount, so queue, in document order).
      await afterPaint();
      if (mounted) chart.value = loaded;
    });
    onBeforeUnmount(() => {
      mounted = false;
    });
    return () => (chart.value ? h(chart.value, { ...attrs }) : null);
  },
});
