/** Shared by the analytics component tests: a stand-in for the lazily loaded chart and API-shaped metrics. */
import { defineComponent, h } from 'vue';
import type { Performance } from './types.ts';

/** Renders nothing but keeps the props the widget handed to ApexCharts, for the test to read. */
export const ChartStub = defineComponent({
  name: 'ApexChartStub',
  props: { options: { type: Object, required: true }, series: { type: Array, required: true }, type: String, height: [String, Number] },
  setup: (props) => () => h('div', { 'data-testid': 'apex', 'data-type': props.type }),
});

type Metrics = Performance['metrics'];
const ZERO_COUNTS: Metrics['counts'] = {
  sent: 0, delivered: 0, failed: 0, bounces: 0, complaints: 0, unsubscribes: 0, opens: 0, uniqueOpens: 0, clicks: 0, uniqueClicks: 0,
  impressions: 0, reach: 0, leads: 0, qualifiedLeads: 0, opportunities: 0, conversions: 0, orders: 0,
  conversionRevenue: '0.00', orderRevenue: '0.00', revenue: '0.00', cost: '0.00',
};

/** Metrics with the given counts; every rate null, as the API sends them when nothing divides. */
export function metrics(counts: Partial<Metrics['counts']> = {}): Metrics {
  return {
    counts: { ...ZERO_COUNTS, ...counts },
    engagement: { deliveryRate: null, openRate: null, clickRate: null, clickToOpenRate: null, bounceRate: null, unsubscribeRate: null, complaintRate: null, ctr: null },
    conversion: { leadConversionRate: null, clickConversionRate: null, leadQualificationRate: null },
    money: {
      revenue: '0.00', conversionRevenue: '0.00', orderRevenue: '0.00', cost: '0.00', netProfit: '0.00', roiPercent: null, roiMultiple: null, returnOnSpend: null,
      marginPercent: null, costPerLead: null, costPerConversion: null, averageOrderValue: null, revenuePerConversion: null,
      breakEven: { revenue: '0.00', remainingRevenue: '0.00', conversions: null }, tier: null,
    },
  };
}
