/**
 * ApexCharts, loaded only when a chart is first drawn: it is the largest library in the console, so
 * it gets a chunk of its own and pages without charts never download it.
 */
import { defineAsyncComponent } from 'vue';

export const ApexChart = defineAsyncComponent(() => import('./apex-core.ts'));
