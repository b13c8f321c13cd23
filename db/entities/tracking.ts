/**
 * Click tracking's own tables. Links are recorded once per campaign and variant (not per message):
 * a click token names the message and a link index, and the redirect looks the URL up through the
 * message's campaign and variant, so a million-recipient campaign with ten links stores ten rows.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { tenantFilter } from '../tenant.ts';
import type { UtmSettings } from '../../domain/tracking-links.ts';

export const TrackedLinkSchema = defineEntity({
  name: 'TrackedLink',
  tableName: 'tracked_links',
  filters: tenantFilter,
  properties: {
    campaign: p.uuid().fieldName('campaign_id').primary(),
    /** '' for the campaign's own content, else the variant key. */
    variant: p.string().length(16).primary(),
    idx: p.smallint().primary(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    /** Where the redirect goes: the link as written, with the campaign's UTM parameters. */
    url: p.text(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type TrackedLink = InferEntity<typeof TrackedLinkSchema>;

/** Per-campaign tracking settings; a campaign without a row gets domain/tracking-links.ts defaultUtm. */
export const CampaignTrackingSchema = defineEntity({
  name: 'CampaignTracking',
  tableName: 'campaign_tracking',
  filters: tenantFilter,
  properties: {
    campaign: p.uuid().fieldName('campaign_id').primary(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    utm: p.json<UtmSettings>(),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CampaignTracking = InferEntity<typeof CampaignTrackingSchema>;
