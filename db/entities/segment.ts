import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { SegmentRule } from '../../domain/segment-types.ts';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { CampaignSchema } from './campaign.ts';
import { tenantFilter } from '../tenant.ts';

export const SEGMENT_TYPES = ['demographic', 'behavioral', 'geographic', 'psychographic', 'mixed'] as const;

/** A reusable, named audience definition: a rule tree (domain/segment-rules.ts). */
export const SegmentSchema = defineEntity({
  name: 'Segment',
  tableName: 'segments',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'name'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    name: p.string().length(100),
    description: p.text().nullable(),
    type: p.enum([...SEGMENT_TYPES]).default('mixed'),
    /** null: every contact of the company. */
    rules: p.json<SegmentRule>().nullable(),
    lastCount: p.integer().nullable(),
    countedAt: p.datetime().nullable(),
    createdBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Segment = InferEntity<typeof SegmentSchema>;

/**
 * A campaign's audience (seed 001 `CampaignSegment`): criteria by kind, each a rule tree, combined
 * with AND; optionally based on a reusable segment. Counts are kept, rates are computed.
 */
export const CampaignSegmentSchema = defineEntity({
  name: 'CampaignSegment',
  tableName: 'campaign_segments',
  filters: tenantFilter,
  indexes: [{ properties: ['campaign', 'type'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    segment: () => p.manyToOne(SegmentSchema).ref().nullable().index().deleteRule('set null'),
    name: p.string().length(100),
    type: p.enum([...SEGMENT_TYPES]).default('mixed'),
    demographicCriteria: p.json<SegmentRule>().nullable(),
    behavioralCriteria: p.json<SegmentRule>().nullable(),
    geographicCriteria: p.json<SegmentRule>().nullable(),
    psychographicCriteria: p.json<SegmentRule>().nullable(),
    targetCount: p.integer().default(0),
    actualCount: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CampaignSegment = InferEntity<typeof CampaignSegmentSchema>;
