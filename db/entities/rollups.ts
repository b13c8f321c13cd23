/**
 * Pre-aggregated counts per campaign and period (seed 000), kept current as events arrive so
 * dashboards never scan the event tables. Only counts and sums are stored; every rate is computed
 * from them (domain metric formulas), so a rate can never disagree with its counts.
 *
 * The `day` rows per campaign × channel × variant (user and team null: those come from
 * campaigns.created_by at read time) are written by the statement-level triggers of
 * migrations/…_analytics_rollups.ts in the transaction of the fact they count; read them through
 * db/repositories/analytics.ts.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { CampaignSchema } from './campaign.ts';
import { TeamSchema, UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export const METRIC_PERIODS = ['day', 'week', 'month'] as const;

export const CampaignPerformanceMetricSchema = defineEntity({
  name: 'CampaignPerformanceMetric',
  tableName: 'campaign_performance_metrics',
  filters: tenantFilter,
  indexes: [
    { properties: ['company', 'period', 'periodStart'] },
    {
      name: 'campaign_performance_metrics_unique',
      // NULLS NOT DISTINCT: the campaign-wide row (no user, no team) is unique too.
      expression:
        'create unique index "campaign_performance_metrics_unique" on "campaign_performance_metrics" ("campaign_id", "period", "period_start", "channel", "variant", "user_id", "team_id") nulls not distinct',
    },
    // What changed in the last seconds: the live campaign.performance_update events.
    { properties: ['company', 'updatedAt'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    channel: p.string().length(32).nullable(),
    /** '' for the campaign's own content (no A/B variant). */
    variant: p.string().length(16).default(''),
    user: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
    team: () => p.manyToOne(TeamSchema).ref().nullable().deleteRule('set null'),
    period: p.enum([...METRIC_PERIODS]),
    periodStart: p.date(),
    periodEnd: p.date(),
    sent: p.bigint('number').default(0),
    delivered: p.bigint('number').default(0),
    failed: p.bigint('number').default(0),
    impressions: p.bigint('number').default(0),
    reach: p.bigint('number').default(0),
    opens: p.bigint('number').default(0),
    uniqueOpens: p.bigint('number').default(0),
    clicks: p.bigint('number').default(0),
    uniqueClicks: p.bigint('number').default(0),
    bounces: p.bigint('number').default(0),
    complaints: p.bigint('number').default(0),
    unsubscribes: p.bigint('number').default(0),
    leads: p.bigint('number').default(0),
    qualifiedLeads: p.bigint('number').default(0),
    opportunities: p.bigint('number').default(0),
    conversions: p.bigint('number').default(0),
    orders: p.bigint('number').default(0),
    /** revenue = conversion_revenue + order_revenue, each summed from its own table. */
    conversionRevenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    orderRevenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    revenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    cost: p.decimal().precision(20).scale(4).defaultRaw('0'),
    /** Per-message channel cost, in the company's currency (cost is in the campaign's). */
    messageCost: p.decimal().precision(20).scale(4).defaultRaw('0'),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CampaignPerformanceMetric = InferEntity<typeof CampaignPerformanceMetricSchema>;

/**
 * The six-stage funnel of seed 000: impressions → reach → engagement → leads → opportunities →
 * conversions, per campaign and day / week / month. Read-only: `campaign_funnels` is a view over the
 * day rows of campaign_performance_metrics (migrations/…_campaign_funnels_view.ts says why), named
 * 'performance' like domain/metrics-funnel.ts's funnel, whose stage rules it follows.
 */
export const CampaignFunnelSchema = defineEntity({
  name: 'CampaignFunnel',
  tableName: 'campaign_funnels',
  filters: tenantFilter,
  uniques: [{ properties: ['campaign', 'name', 'period', 'periodStart'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    name: p.string().length(100),
    period: p.enum([...METRIC_PERIODS]),
    periodStart: p.date(),
    periodEnd: p.date(),
    impressions: p.bigint('number').default(0),
    reach: p.bigint('number').default(0),
    engagement: p.bigint('number').default(0),
    leads: p.bigint('number').default(0),
    opportunities: p.bigint('number').default(0),
    conversions: p.bigint('number').default(0),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CampaignFunnel = InferEntity<typeof CampaignFunnelSchema>;
