/** Reading campaigns for the API: one SQL statement per list or detail, mapped to the API's shapes. */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { NotFoundError } from '../../domain/errors.ts';
import { approvalContentHash } from '../../domain/content-hash.ts';
import { normalizeAmount } from '../../domain/money.ts';
import type { CompanyCampaignPolicy } from '../../domain/campaign-rules.ts';
import { sqlOf } from '../../db/sql.ts';
import { containsPattern, iso } from '../query-values.ts';
import { readRows } from '../read-sql.ts';
import { campaignState } from '../campaign-lifecycle.ts';
import type { CampaignDto } from './schemas.ts';
import type { z } from '../openapi-zod.ts';
import type { CampaignListQuery, CampaignSummary } from './schemas.ts';

/** Stored numeric(18,4) as the currency's canonical string ("5000.00"); sub-cent spend keeps its digits. */
export function money(value: string, currency: string): string {
  try {
    return normalizeAmount(value, currency);
  } catch {
    return value;
  }
}


const SUMMARY_COLUMNS = `c.id, c.code, c.name, c.type, c.category, c.primary_channel, c.status, c.approval_status, c.start_at, c.end_at,
  c.total_budget::text as total_budget, c.currency, c.actual_spend::text as actual_spend, c.target_audience_size, c.created_at, c.updated_at,
  cu.id as creator_id, cu.name as creator_name`;

interface SummaryRow {
  id: string;
  code: string;
  name: string;
  type: CampaignDto['type'];
  category: CampaignDto['category'];
  primary_channel: CampaignDto['channel'];
  status: CampaignDto['status'];
  approval_status: CampaignDto['approvalStatus'];
  start_at: Date;
  end_at: Date;
  total_budget: string;
  currency: string;
  actual_spend: string;
  target_audience_size: number;
  created_at: Date;
  updated_at: Date;
  creator_id: string | null;
  creator_name: string | null;
}

function toSummary(r: SummaryRow): z.infer<typeof CampaignSummary> {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    type: r.type,
    category: r.category,
    channel: r.primary_channel,
    status: r.status,
    approvalStatus: r.approval_status,
    startAt: iso(r.start_at)!,
    endAt: iso(r.end_at)!,
    budget: { amount: money(r.total_budget, r.currency), currency: r.currency },
    actualSpend: money(r.actual_spend, r.currency),
    audienceSize: r.target_audience_size,
    progress: null,
    createdBy: r.creator_id ? { id: r.creator_id, name: r.creator_name ?? '' } : null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

const SORT_SQL: Record<z.infer<typeof CampaignListQuery>['sort'], string> = {
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
  startAt: 'c.start_at',
  name: 'lower(c.name)',
  code: 'c.code',
  status: 'c.status',
  budget: 'c.total_budget',
};

export async function listCampaigns(em: EntityManager, companyId: string, q: z.infer<typeof CampaignListQuery>) {
  const where: string[] = ['c.company_id = ?', 'c.deleted_at is null'];
  const params: Knex.Value[] = [companyId];
  const anyOf = (column: string, values?: string[]) => {
    if (values?.length) {
      where.push(`${column} = any(?)`);
      params.push(values);
    }
  };
  anyOf('c.status::text', q.status);
  anyOf('c.type::text', q.type);
  anyOf('c.primary_channel::text', q.channel);
  anyOf('c.approval_status::text', q.approvalStatus);
  if (q.creator) {
    where.push('c.created_by_id = ?');
    params.push(q.creator);
  }
  if (q.from) {
    where.push('c.end_at >= ?');
    params.push(q.from);
  }
  if (q.to) {
    where.push('c.start_at < ?');
    params.push(q.to);
  }
  if (q.q) {
    where.push(`(c.name ilike ? or c.code ilike ? or c.description ilike ?)`);
    const like = containsPattern(q.q);
    params.push(like, like, like);
  }
  const whereSql = where.join(' and ');
  // The page and the total in one statement (one round trip, one plan); only a page past the end,
  // which has no row to carry the total, needs the count on its own.
  const rows = await readRows<SummaryRow & { total: string }>(
    em,
    `select ${SUMMARY_COLUMNS}, count(*) over () as total from campaigns c left join users cu on cu.id = c.created_by_id
      where ${whereSql} order by ${SORT_SQL[q.sort]} ${q.order === 'asc' ? 'asc' : 'desc'} nulls last, c.id limit ? offset ?`,
    [...params, q.pageSize, (q.page - 1) * q.pageSize],
  );
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && q.page > 1) {
    total = Number((await sqlOf(em).raw<{ rows: { n: string }[] }>(`select count(*) as n from campaigns c where ${whereSql}`, params)).rows[0]!.n);
  }
  return { items: rows.map(toSummary), page: q.page, pageSize: q.pageSize, total };
}

interface DetailRow extends SummaryRow {
  description: string | null;
  channels: string[];
  expected_conversion_rate: string;
  target_roi: string;
  target_leads: number;
  target_conversions: number;
  content: Record<string, unknown>;
  sender: Record<string, unknown>;
  variants: Record<string, unknown>[];
  version: number;
  workflow_id: string | null;
  approver_id: string | null;
  approver_name: string | null;
  approved_at: Date | null;
  segment_id: string | null;
  segment_name: string | null;
  audience_rules: unknown;
  has_audience: boolean;
  recurrence: CampaignDto['recurrence'];
  parent_id: string | null;
  parent_code: string | null;
  parent_name: string | null;
  approvals: { decision: string; approverId: string | null; approverName: string | null; comment: string | null; decidedAt: string }[];
}

/** The stored campaign (no live state); 404 for another company's or a deleted campaign. */
export async function loadCampaign(em: EntityManager, companyId: string, id: string): Promise<CampaignDto> {
  const rows = await readRows<DetailRow>(
    em,
    `select ${SUMMARY_COLUMNS}, c.description, c.channels, c.expected_conversion_rate::text as expected_conversion_rate, c.target_roi::text as target_roi,
            c.target_leads, c.target_conversions, c.content, c.sender, c.variants, c.version, c.workflow_id,
            au.id as approver_id, au.name as approver_name, c.approved_at,
            cs.segment_id, coalesce(s.name, cs.name) as segment_name, cs.demographic_criteria as audience_rules, cs.id is not null as has_audience,
            c.recurrence, p.id as parent_id, p.code as parent_code, p.name as parent_name,
            coalesce((select json_agg(json_build_object('decision', a.decision, 'approverId', a.approver_id, 'approverName', u.name, 'comment', a.comment, 'decidedAt', a.decided_at) order by a.decided_at)
                        from approvals a left join users u on u.id = a.approver_id where a.campaign_id = c.id), '[]') as approvals
       from campaigns c
       left join users cu on cu.id = c.created_by_id
       left join users au on au.id = c.approved_by_id
       left join lateral (select * from campaign_segments x where x.campaign_id = c.id order by x.created_at limit 1) cs on true
       left join segments s on s.id = cs.segment_id
       left join campaigns p on p.id = c.recurring_parent_id
      where c.id = ? and c.company_id = ? and c.deleted_at is null`,
    [id, companyId],
  );
  const r = rows[0];
  if (!r) throw new NotFoundError('campaign', id);
  return {
    ...toSummary(r),
    description: r.description,
    channels: r.channels,
    targets: { audienceSize: r.target_audience_size, conversionRate: r.expected_conversion_rate, roi: r.target_roi, leads: r.target_leads, conversions: r.target_conversions },
    content: r.content,
    sender: r.sender,
    variants: r.variants,
    audience: r.has_audience ? { segmentId: r.segment_id, segmentName: r.segment_name, rules: r.audience_rules ?? null } : null,
    version: r.version,
    workflowId: r.workflow_id,
    approvedBy: r.approver_id ? { id: r.approver_id, name: r.approver_name ?? '' } : null,
    approvedAt: iso(r.approved_at),
    approvals: r.approvals.map((a) => ({ decision: a.decision, approver: a.approverId ? { id: a.approverId, name: a.approverName ?? '' } : null, comment: a.comment, decidedAt: iso(a.decidedAt)! })),
    recurrence: r.recurrence ?? null,
    occurrenceOf: r.parent_id ? { id: r.parent_id, code: r.parent_code ?? '', name: r.parent_name ?? '' } : null,
    state: null,
  };
}

/** The workflow's live view, or null when it has none (a draft) or Temporal does not answer in time. */
export async function liveState(client: Client, campaign: Pick<CampaignDto, 'id' | 'workflowId' | 'status'>): Promise<CampaignDto['state']> {
  // No run yet, or a rejected campaign edited back to a draft (its old run is history).
  if (!campaign.workflowId) return null;
  try {
    const s = await Promise.race([campaignState(client, campaign.id), new Promise<null>((r) => setTimeout(() => r(null), 3000).unref())]);
    if (!s) return null;
    return {
      status: s.status,
      startAt: s.startAt,
      nextWakeAt: s.nextWakeAt,
      counts: s.counts,
      inFlightBatches: s.inFlightBatches,
      approvals: s.approvals,
      pauseReason: s.pauseReason,
      lastError: s.lastError,
    };
  } catch {
    return null;
  }
}

export async function companyPolicy(em: EntityManager, companyId: string): Promise<CompanyCampaignPolicy & { timeZone: string; requireTotpForApproval: boolean }> {
  const res = await sqlOf(em).raw<{ rows: Record<string, unknown>[] }>(
    `select currency, supported_currencies, approval_threshold::text as approval_threshold, approval_always_required, block_channel_overlap,
            scheduling_window_days, time_zone, require_totp_for_approval from companies where id = ?`,
    [companyId],
  );
  const c = res.rows[0]!;
  return {
    currency: c.currency as string,
    supportedCurrencies: c.supported_currencies as string[],
    approvalThreshold: c.approval_threshold as string,
    approvalAlwaysRequired: c.approval_always_required as boolean,
    blockChannelOverlap: c.block_channel_overlap as boolean,
    schedulingWindowDays: c.scheduling_window_days as number,
    timeZone: c.time_zone as string,
    requireTotpForApproval: c.require_totp_for_approval as boolean,
  };
}

/** What an approver approves: content, variants, sender and audience. An edit changes it. */
export function approvalHash(c: Pick<CampaignDto, 'content' | 'variants' | 'sender' | 'audience'>): string {
  return approvalContentHash({ content: c.content, variants: c.variants, sender: c.sender, audience: c.audience });
}

