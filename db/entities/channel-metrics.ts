/**
 * Daily figures of a campaign on a channel Herald does not send through (paid ads, social, organic,
 * direct mail), reported by the API or a CSV import. One row per campaign, channel and day: a re-post
 * replaces the row, so figures never double. The analytics rollups read this table like any fact table.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { CampaignSchema } from './campaign.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export const CHANNEL_METRIC_SOURCES = ['api', 'csv'] as const;

export const CampaignChannelMetricSchema = defineEntity({
  name: 'CampaignChannelMetric',
  tableName: 'campaign_channel_metrics',
  filters: tenantFilter,
  uniques: [{ name: 'campaign_channel_metrics_campaign_channel_day_unique', properties: ['campaign', 'channel', 'day'] }],
  indexes: [{ properties: ['company', 'day'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    channel: p.string().length(32),
    day: p.date(),
    impressions: p.bigint('number').default(0),
    reach: p.bigint('number').default(0),
    clicks: p.bigint('number').default(0),
    leads: p.bigint('number').default(0),
    qualifiedLeads: p.bigint('number').default(0),
    conversions: p.bigint('number').default(0),
    revenue: p.decimal().precision(18).scale(4).defaultRaw('0'),
    spend: p.decimal().precision(18).scale(4).defaultRaw('0'),
    source: p.enum([...CHANNEL_METRIC_SOURCES]).columnType('varchar(16)'),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
    updatedBy: () => p.manyToOne(UserSchema).ref().nullable().fieldName('updated_by').deleteRule('set null'),
  },
});
export type CampaignChannelMetric = InferEntity<typeof CampaignChannelMetricSchema>;
