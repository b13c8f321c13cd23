/** What the analytics routes return: the shapes of domain/metrics.ts, described once for the OpenAPI document and the typed client. */
import { z } from '../openapi-zod.ts';

const Rate = z.number().nullable().openapi({ description: 'Percent; null when its denominator is 0' });
const Money = z.string().openapi({ example: '41.67', description: "Decimal string in the company's currency (a campaign's own page: the campaign's), converted at each day's exchange rate" });
const MaybeMoney = Money.nullable();
const Count = z.number().int();

export const TotalsSchema = z
  .object({
    sent: Count,
    delivered: Count,
    failed: Count,
    bounces: Count,
    complaints: Count,
    unsubscribes: Count,
    opens: Count,
    uniqueOpens: Count,
    clicks: Count,
    uniqueClicks: Count,
    impressions: Count,
    reach: Count,
    leads: Count,
    qualifiedLeads: Count,
    opportunities: Count,
    conversions: Count,
    orders: Count,
    conversionRevenue: Money,
    orderRevenue: Money,
    revenue: Money,
    cost: Money,
  })
  .openapi('AnalyticsTotals');

export const EngagementSchema = z
  .object({
    deliveryRate: Rate,
    openRate: Rate,
    clickRate: Rate,
    clickToOpenRate: Rate,
    bounceRate: Rate,
    unsubscribeRate: Rate,
    complaintRate: Rate,
    ctr: Rate,
  })
  .openapi('EngagementRates');

export const ConversionSchema = z.object({ leadConversionRate: Rate, clickConversionRate: Rate, leadQualificationRate: Rate }).openapi('ConversionRates');

export const Tier = z.enum(['High', 'Good', 'Standard']).nullable();

export const MoneySchema = z
  .object({
    revenue: Money,
    conversionRevenue: Money,
    orderRevenue: Money,
    cost: Money,
    netProfit: Money,
    roiPercent: Rate,
    roiMultiple: z.number().nullable(),
    returnOnSpend: z.number().nullable(),
    marginPercent: Rate,
    costPerLead: MaybeMoney,
    costPerConversion: MaybeMoney,
    averageOrderValue: MaybeMoney,
    revenuePerConversion: MaybeMoney,
    breakEven: z.object({ revenue: Money, remainingRevenue: Money, conversions: z.number().int().nullable() }),
    tier: Tier,
  })
  .openapi('MoneyMetrics');

export const MetricsSchema = z
  .object({ counts: TotalsSchema, engagement: EngagementSchema, conversion: ConversionSchema, money: MoneySchema })
  .openapi('Metrics');

export const FunnelSchema = z
  .object({
    name: z.enum(['performance', 'journey']),
    stages: z.array(z.object({ key: z.string(), count: Count, recorded: z.boolean().optional().openapi({ description: 'false: nothing records this stage (skipped, never the bottleneck); always present' }), rateFromPrevious: Rate, dropOff: z.number().int().nullable(), dropOffPercent: Rate })),
    overallEfficiency: Rate,
    bottleneck: z.object({ stage: z.string(), rateFromPrevious: z.number() }).nullable(),
  })
  .openapi('Funnel');

export const TargetLineSchema = z.object({
  metric: z.enum(['leads', 'conversions', 'roi']),
  target: z.number().nullable(),
  actual: z.number().nullable(),
  achievementPercent: Rate,
  achieved: z.boolean().nullable(),
});

export const RangeSchema = z.object({ from: z.string(), to: z.string(), days: Count }).openapi('AnalyticsRange');

/** A row of a breakdown or a time series: its key and the metrics of that slice. */
export const SliceSchema = z
  .object({ key: z.string().nullable(), label: z.string().nullable(), metrics: MetricsSchema })
  .openapi('AnalyticsSlice');

export const RecommendationSchema = z
  .object({
    kind: z.enum(['pause_complaints', 'negative_roi', 'reallocate_budget', 'scale_winner']),
    priority: z.enum(['high', 'medium', 'low']),
    campaignId: z.string().nullable(),
    channel: z.string().nullable(),
    figures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  })
  .openapi('Recommendation');

export const ChannelComparisonSchema = z
  .object({
    channel: z.string(),
    trackedOnly: z.boolean(),
    campaigns: Count,
    leads: Count,
    conversions: Count,
    revenue: Money,
    cost: Money,
    roiPercent: Rate,
    averageRoiPercent: Rate,
    costPerLead: MaybeMoney,
    costPerConversion: MaybeMoney,
    metrics: MetricsSchema,
  })
  .openapi('ChannelComparison');

export const RankingEntrySchema = z.object({ campaignId: z.string(), name: z.string(), rank: z.number().int().nullable(), value: z.union([z.number(), z.string(), z.null()]) });

const Kpi = z.object({
  value: z.union([z.number(), z.string()]).nullable(),
  previous: z.union([z.number(), z.string()]).nullable(),
  change: z.union([z.number(), z.string()]).nullable().openapi({ description: 'A count, a money string, or percentage points for a rate' }),
  changePercent: Rate,
});

export const UnattributedLineSchema = z
  .object({ leads: Count, conversions: Count, orders: Count, revenue: Money })
  .openapi('UnattributedLine', { description: 'Conversions and orders that came without a campaign; null when a filter narrows the view below the company' });

const Amount = z.string().openapi({ example: '1000.00', description: 'Decimal string in the currency of the entry' });
export const NotConvertedSchema = z
  .object({ currency: z.string(), revenue: Amount, cost: Amount, unattributedRevenue: Amount, budget: Amount, from: z.string().nullable(), to: z.string().nullable() })
  .openapi('NotConverted');

/** The same list as the summary's, on every other view whose money is converted: what that view left out. */
const NotConvertedList = z
  .array(NotConvertedSchema)
  .optional()
  .openapi({ description: "Money of the view's campaigns (and of its unattributed line, where it has one) in a currency with no exchange rate on its days, in that currency: left out of the view's figures (never taken 1:1); empty when everything converted" });

export const SummarySchema = z
  .object({
    range: RangeSchema,
    previous: RangeSchema,
    currency: z.string(),
    kpis: z.object({
      activeCampaigns: Kpi.openapi({ description: 'Campaigns with any recorded activity in the period' }),
      sent: Kpi,
      delivered: Kpi,
      deliveryRate: Kpi,
      openRate: Kpi,
      clickRate: Kpi,
      leads: Kpi,
      conversions: Kpi,
      revenue: Kpi,
      spend: Kpi,
      budget: Kpi,
      budgetUsedPercent: Kpi,
      roiPercent: Kpi,
    }),
    unattributed: z
      .object({ leads: Kpi, conversions: Kpi, orders: Kpi, revenue: Kpi, companyRevenue: Kpi.openapi({ description: 'Campaign revenue plus unattributed revenue' }) })
      .nullable()
      .openapi({ description: 'Conversions and orders without a campaign (not in the campaign KPIs or the ROI); null when a filter narrows the view below the company' }),
    // Always sent; optional in the type only until the console's fixtures know it.
    notConverted: z.array(NotConvertedSchema).optional().openapi({ description: "Money of the period in a currency with no exchange rate on its days, in that currency: left out of every figure above (never taken 1:1); empty when everything converted" }),
  })
  .openapi('AnalyticsSummary');

const CampaignCard = z.object({
  campaignId: z.string(),
  code: z.string(),
  name: z.string(),
  status: z.string(),
  channel: z.string(),
  startAt: z.string(),
  endAt: z.string(),
  budget: Money.openapi({ description: "In the company's currency at the rate of the range's last day (today without a range); 0 when the campaign's currency has no rate then" }),
  currency: z.string().optional().openapi({ description: "The campaign's own currency (always sent)" }),
  ownBudget: z.string().optional().openapi({ description: "The budget in the campaign's own currency (always sent)" }),
  roiPercent: Rate,
  tier: Tier,
  revenue: Money,
  cost: Money,
  leads: Count,
  conversions: Count,
  sent: Count,
  delivered: Count,
  deliveryRate: Rate,
  openRate: Rate,
  clickRate: Rate,
});

export const OverviewSchema = z
  .object({
    range: RangeSchema.nullable(),
    currency: z.string(),
    totals: z.object({ campaigns: Count, byStatus: z.record(z.string(), Count), metrics: MetricsSchema, averageRoiPercent: Rate }),
    topPerformers: z.array(CampaignCard),
    items: z.array(CampaignCard),
    page: Count,
    pageSize: Count,
    total: Count,
    notConverted: NotConvertedList,
  })
  .openapi('CampaignOverview');

export const CampaignFunnelsSchema = z
  .object({
    campaign: z.object({ id: z.string(), code: z.string(), name: z.string() }),
    granularity: z.enum(['day', 'week', 'month']),
    range: RangeSchema.nullable(),
    periods: z.array(
      z.object({
        periodStart: z.string().openapi({ example: '2026-01-01' }),
        periodEnd: z.string().openapi({ example: '2026-01-31' }),
        funnel: FunnelSchema,
      }),
    ),
  })
  .openapi('CampaignFunnels');

export const CampaignPerformanceSchema = z
  .object({
    campaign: z.object({ id: z.string(), code: z.string(), name: z.string(), status: z.string(), channel: z.string(), startAt: z.string(), endAt: z.string() }),
    range: RangeSchema.nullable(),
    currency: z.string(),
    keyMetrics: z.object({ leads: Count, conversions: Count, roiPercent: Rate, costPerLead: MaybeMoney, leadConversionRate: Rate }),
    financial: MoneySchema.extend({ budget: Money, spent: Money, budgetRemaining: Money, budgetUsedPercent: Rate }),
    metrics: MetricsSchema,
    funnels: z.object({ performance: FunnelSchema, journey: FunnelSchema }),
    targets: z.array(TargetLineSchema),
    daily: z.array(z.object({ day: z.string().nullable(), metrics: MetricsSchema })),
    channels: z.array(SliceSchema),
    variants: z.array(SliceSchema),
    links: z.array(z.object({ linkIndex: Count, variant: z.string().nullable(), url: z.string().nullable(), clicks: Count, uniqueClicks: Count })),
  })
  .openapi('CampaignPerformance');

export const ChannelsSchema = z
  .object({ range: RangeSchema.nullable(), currency: z.string(), items: z.array(ChannelComparisonSchema), unattributed: UnattributedLineSchema.nullable(), notConverted: NotConvertedList })
  .openapi('ChannelComparisonList');

export const RankingsSchema = z
  .object({
    range: RangeSchema.nullable(),
    currency: z.string(),
    rankings: z.object({ roi: z.array(RankingEntrySchema), conversionRate: z.array(RankingEntrySchema), costEfficiency: z.array(RankingEntrySchema) }),
    flags: z.array(z.object({ campaignId: z.string(), name: z.string(), best: z.boolean(), underperformer: z.boolean(), reasons: z.array(z.string()) })),
    recommendations: z.array(RecommendationSchema),
    notConverted: NotConvertedList,
  })
  .openapi('CampaignRankings');

export const TimeseriesSchema = z
  .object({ range: RangeSchema.nullable(), currency: z.string(), granularity: z.enum(['day', 'week', 'month']), items: z.array(SliceSchema.extend({ unattributed: UnattributedLineSchema.nullable() })), notConverted: NotConvertedList })
  .openapi('AnalyticsTimeseries');

export const BreakdownSchema = z
  .object({
    range: RangeSchema.nullable(),
    currency: z.string(),
    dimension: z.string(),
    items: z.array(
      SliceSchema.extend({
        region: z.string().nullable().optional(),
        masked: z.boolean().optional(),
        sharedSpend: z
          .object({ cost: z.string(), roiPercent: z.number().nullable() })
          .optional()
          .openapi({ description: "Regions only: the region's cost with each campaign's cost that has no region shared out by messages sent, and the ROI on it" }),
      }),
    ),
    notConverted: NotConvertedList,
  })
  .openapi('AnalyticsBreakdown');

export const HeatmapSchema = z
  .object({
    range: RangeSchema.nullable(),
    timeZone: z.string(),
    cells: z.array(z.object({ weekday: z.number().int().openapi({ description: '0 = Sunday … 6 = Saturday' }), hour: z.number().int(), opens: Count, clicks: Count })),
  })
  .openapi('EngagementHeatmap');
