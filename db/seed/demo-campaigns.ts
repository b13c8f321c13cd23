/** Writes the demo's campaigns (demo-campaign-data.ts) with their links, approvals and audit trail. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { generateCampaignCode } from '../../domain/campaign-rules.ts';
import { approvalContentHash } from '../../domain/content-hash.ts';
import {
  ApprovalSchema,
  AuditLogSchema,
  CampaignBudgetAllocationSchema,
  CampaignCollaboratorSchema,
  CampaignSchema,
  CampaignSegmentSchema,
  CampaignTemplateLinkSchema,
  NotificationSchema,
  type Role,
} from '../entities/index.ts';
import { CAMPAIGNS } from './demo-campaign-data.ts';
import type { CompanySpec, SegmentSpec } from './demo-data.ts';

/** What campaign seeding needs to know about the company written so far. */
export interface SeededCompany {
  spec: CompanySpec;
  id: string;
  users: Record<Role, string>;
  segments: Record<string, { id: string; name: string; type: SegmentSpec['type']; count: number }>;
  templates: Record<string, string>;
  /** By `${suffix}-${fiscalYear}`. */
  budgets: Record<string, string>;
  currency: string;
}


/** Creates the campaigns with their links, approvals, audit entries and notifications; returns ids by key. */
export function createCampaigns(em: EntityManager, co: SeededCompany, asOf: Date): Record<string, string> {
  const ids: Record<string, string> = {};
  const specs = CAMPAIGNS[co.spec.key];
  specs.forEach((s, i) => {
    const start = s.start(asOf);
    const year = start.getUTCFullYear();
    const segment = co.segments[s.segment]!;
    const approvedAt = s.approval ? new Date(start.getTime() - 3 * 86_400_000) : null;
    const campaign = em.create(CampaignSchema, {
      id: randomUUID(),
      company: co.id,
      code: generateCampaignCode(co.spec.codePrefix, i + 1, year),
      name: s.name,
      description: s.description,
      type: s.type,
      category: s.category,
      primaryChannel: s.channel,
      channels: [s.channel],
      status: s.status,
      approvalStatus: s.approval ? s.approval.decision : 'not_required',
      startAt: start,
      endAt: s.end(asOf),
      totalBudget: s.budget,
      actualSpend: s.spend,
      currency: co.currency,
      targetAudienceSize: s.targets?.audience ?? segment.count,
      expectedConversionRate: s.targets?.conversionRate ?? '0',
      targetRoi: s.targets?.roi ?? '0',
      targetLeads: s.targets?.leads ?? 0,
      targetConversions: s.targets?.conversions ?? 0,
      content: s.content,
      sender: s.channel === 'email' ? { fromName: co.spec.name, fromEmail: `news@${co.spec.loginDomain}` } : s.channel === 'sms' ? { smsFrom: co.spec.codePrefix } : {},
      variants: s.variants ?? [],
      createdBy: co.users.manager,
      updatedBy: co.users.manager,
      approvedBy: s.approval?.decision === 'approved' ? co.users.approver : null,
      approvedAt: s.approval?.decision === 'approved' ? approvedAt : null,
    });
    ids[s.key] = campaign.id;
    em.create(CampaignSegmentSchema, {
      company: co.id,
      campaign,
      segment: segment.id,
      name: segment.name,
      type: segment.type,
      targetCount: segment.count,
      actualCount: s.status === 'completed' || s.status === 'stopped' ? segment.count : 0,
    });
    em.create(CampaignTemplateLinkSchema, { company: co.id, campaign, template: co.templates[s.template]! });
    for (const d of s.draws) {
      em.create(CampaignBudgetAllocationSchema, { company: co.id, campaign, budget: co.budgets[`${d.budget}-${year}`]!, amount: d.amount, costCentre: null });
    }
    em.create(CampaignCollaboratorSchema, { company: co.id, campaign, user: co.users.manager, role: 'owner' });
    em.create(CampaignCollaboratorSchema, { company: co.id, campaign, user: co.users.analyst, role: 'watcher' });
    em.create(AuditLogSchema, { company: co.id, actor: co.users.manager, action: 'campaign.created', entityType: 'campaign', entityId: campaign.id, after: { name: s.name, status: 'draft' } });
    if (s.approval) {
      em.create(ApprovalSchema, {
        company: co.id,
        campaign,
        decision: s.approval.decision,
        approver: co.users.approver,
        comment: s.approval.comment,
        contentHash: approvalContentHash({ content: campaign.content, variants: campaign.variants, sender: campaign.sender, audience: { segmentId: segment.id, rules: null } }),
        decidedAt: approvedAt!,
      });
      em.create(AuditLogSchema, { company: co.id, actor: co.users.approver, action: `campaign.${s.approval.decision}`, entityType: 'campaign', entityId: campaign.id, after: { approvalStatus: s.approval.decision } });
      if (s.approval.decision === 'rejected') {
        em.create(NotificationSchema, { company: co.id, user: co.users.manager, kind: 'campaign.rejected', payload: { campaignId: campaign.id, comment: s.approval.comment } });
      }
    }
    if (s.status === 'completed') {
      em.create(NotificationSchema, { company: co.id, user: co.users.manager, kind: 'campaign.completed', payload: { campaignId: campaign.id } });
    }
  });
  return ids;
}
