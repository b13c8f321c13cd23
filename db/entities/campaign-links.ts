/** The many-to-many links of seed 001 §5.2, each with the columns the link itself carries. */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { CampaignBudgetSchema, CampaignSchema, CampaignTemplateSchema } from './campaign.ts';
import { tenantFilter } from '../tenant.ts';

export const CampaignTemplateLinkSchema = defineEntity({
  name: 'CampaignTemplateLink',
  tableName: 'campaign_template_links',
  filters: tenantFilter,
  uniques: [{ properties: ['campaign', 'template'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    template: () => p.manyToOne(CampaignTemplateSchema).ref().index().deleteRule('restrict'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type CampaignTemplateLink = InferEntity<typeof CampaignTemplateLinkSchema>;

/** How much of a fiscal-year budget a campaign draws. */
export const CampaignBudgetAllocationSchema = defineEntity({
  name: 'CampaignBudgetAllocation',
  tableName: 'campaign_budget_allocations',
  filters: tenantFilter,
  uniques: [{ properties: ['campaign', 'budget'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    budget: () => p.manyToOne(CampaignBudgetSchema).ref().index().deleteRule('restrict'),
    amount: p.decimal().precision(18).scale(4),
    costCentre: p.string().length(64).nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type CampaignBudgetAllocation = InferEntity<typeof CampaignBudgetAllocationSchema>;

export const COLLABORATOR_ROLES = ['owner', 'editor', 'watcher'] as const;

/** Who works on or watches a campaign (watchers get its notifications). */
export const CampaignCollaboratorSchema = defineEntity({
  name: 'CampaignCollaborator',
  tableName: 'campaign_collaborators',
  filters: tenantFilter,
  uniques: [{ properties: ['campaign', 'user'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    user: () => p.manyToOne(UserSchema).ref().index().deleteRule('cascade'),
    role: p.enum([...COLLABORATOR_ROLES]).default('watcher'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type CampaignCollaborator = InferEntity<typeof CampaignCollaboratorSchema>;
