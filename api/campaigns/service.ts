/**
 * Writing campaigns: create, edit (If-Match), delete, duplicate. Validation is domain/'s
 * (seed 001 §6); every write and its audit entry share one transaction.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertDeletable, CAMPAIGN_NAME_MAX, validateCampaignDraft, type CampaignDraftInput, type DraftAssessment } from '../../domain/campaign-rules.ts';
import { assertEditable } from '../../domain/campaign-states.ts';
import { isTrackedChannel } from '../../domain/campaign-rules.ts';
import { parseRecurrence, type Recurrence } from '../../domain/campaign-recurrence.ts';
import { segmentIssues } from '../../domain/segment-rules.ts';
import { ConflictError, PreconditionFailedError, ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { isCampaignCodeTaken, nextCampaignCode } from '../../db/repositories/campaigns.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Caller } from '../context.ts';
import type { z } from '../openapi-zod.ts';
import { approvalHash, companyPolicy, loadCampaign } from './store.ts';
import type { CampaignCreate, CampaignDto, CampaignPatch } from './schemas.ts';

type Create = z.infer<typeof CampaignCreate>;
type Patch = z.infer<typeof CampaignPatch>;
type Audience = NonNullable<Create['audience']>;

async function checkExtras(em: EntityManager, companyId: string, input: { audience?: Audience | null; variants?: Create['variants'] }): Promise<void> {
  const issues: FieldIssue[] = [];
  const audience = input.audience;
  if (audience?.rules !== undefined && audience.rules !== null) issues.push(...segmentIssues(audience.rules, { path: 'audience.rules' }));
  if (audience?.segmentId) {
    const found = await sqlOf(em).raw<{ rows: unknown[] }>(`select 1 from segments where id = ? and company_id = ?`, [audience.segmentId, companyId]);
    if (found.rows.length === 0) issues.push({ field: 'audience.segmentId', message: 'no such segment in your company' });
  }
  const variants = input.variants ?? [];
  if (variants.length > 0) {
    const total = variants.reduce((s, v) => s + v.split, 0);
    if (total !== 100) issues.push({ field: 'variants', message: `the variants' splits must add up to 100 (they add up to ${total})` });
    const keys = new Set(variants.map((v) => v.key));
    if (keys.size !== variants.length) issues.push({ field: 'variants', message: 'variant keys must be unique' });
  }
  if (issues.length) throw new ValidationError(issues);
}

/**
 * The recurrence a create or edit asks for, checked and with the company's zone filled in: null for
 * a one-off campaign, undefined when the edit leaves it alone. A tracked-only channel never sends,
 * so it has nothing to repeat.
 */
async function recurrenceFor(em: EntityManager, companyId: string, value: unknown, channel: string): Promise<Recurrence | null | undefined> {
  if (value === undefined || value === null) return value;
  if (isTrackedChannel(channel)) throw ValidationError.field('recurrence', `a ${channel} campaign is tracked, not sent, so it cannot recur`);
  const policy = await companyPolicy(em, companyId);
  return parseRecurrence(value, policy.timeZone);
}

async function assess(em: EntityManager, caller: Caller, input: CampaignDraftInput, exceptId?: string): Promise<DraftAssessment> {
  const policy = await companyPolicy(em, caller.companyId);
  const codeTaken = typeof input.code === 'string' && (await isCampaignCodeTaken(em, caller.companyId, input.code, exceptId));
  return validateCampaignDraft({ ...input, id: exceptId ?? null }, { now: new Date(), company: policy, codeTaken });
}

async function writeAudience(em: EntityManager, companyId: string, campaignId: string, audience: Audience | null | undefined): Promise<void> {
  if (audience === undefined) return;
  const sql = sqlOf(em);
  await sql.raw(`delete from campaign_segments where campaign_id = ?`, [campaignId]);
  if (audience === null) return;
  await sql.raw(
    `insert into campaign_segments (company_id, campaign_id, segment_id, name, type, demographic_criteria)
     values (?, ?, ?, coalesce((select name from segments where id = ?), 'Custom audience'), 'mixed', ?)`,
    [companyId, campaignId, audience.segmentId ?? null, audience.segmentId ?? null, audience.rules == null ? null : JSON.stringify(audience.rules)],
  );
}

export async function createCampaign(em: EntityManager, caller: Caller, input: Create): Promise<{ id: string; warnings: FieldIssue[] }> {
  await checkExtras(em, caller.companyId, input);
  const recurrence = await recurrenceFor(em, caller.companyId, input.recurrence, input.channel);
  const code = input.code ?? (await nextCampaignCode(em, caller.companyId, new Date()));
  const { draft, warnings } = await assess(em, caller, { ...input, code });
  const t = input.targets ?? {};
  const res = await sqlOf(em).raw<{ rows: { id: string }[] }>(
    `insert into campaigns (company_id, code, name, description, type, category, primary_channel, channels, start_at, end_at, total_budget, currency,
                            target_audience_size, expected_conversion_rate, target_roi, target_leads, target_conversions, content, sender, variants,
                            created_by_id, updated_by_id, recurrence, version)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) returning id`,
    [
      caller.companyId, draft.code, draft.name, draft.description, draft.type, draft.category, draft.channel, [draft.channel], draft.startAt, draft.endAt,
      draft.budget, draft.currency, t.audienceSize ?? 0, t.conversionRate ?? '0', t.roi ?? '0', t.leads ?? 0, t.conversions ?? 0,
      JSON.stringify(input.content ?? {}), JSON.stringify(input.sender ?? {}), JSON.stringify(input.variants ?? []), caller.userId, caller.userId,
      recurrence ? JSON.stringify(recurrence) : null,
    ],
  );
  const id = res.rows[0]!.id;
  await writeAudience(em, caller.companyId, id, input.audience);
  await sqlOf(em).raw(`insert into campaign_collaborators (company_id, campaign_id, user_id, role) values (?, ?, ?, 'owner')`, [caller.companyId, id, caller.userId]);
  return { id, warnings };
}

/** The stored fields a patch may change, as they are in the DTO (for before/after in the audit log). */
const AUDITED = ['code', 'name', 'description', 'type', 'category', 'channel', 'startAt', 'endAt', 'budget', 'targets', 'content', 'sender', 'variants', 'audience', 'recurrence'] as const;

export function diff(before: CampaignDto, after: CampaignDto): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of AUDITED) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}

/** Applies a patch to a campaign the caller already loaded; throws 412 on a stale version, 409 when the state forbids editing. */
export async function updateCampaign(
  em: EntityManager,
  caller: Caller,
  current: CampaignDto,
  patch: Patch,
  expectedVersion: number | null,
): Promise<{ approvalRequired: boolean; warnings: FieldIssue[] }> {
  if (expectedVersion !== null && expectedVersion !== current.version) {
    throw new PreconditionFailedError(`the campaign changed since you loaded it (version ${expectedVersion}, now ${current.version}); reload and edit again`, {
      expected: expectedVersion,
      current: current.version,
    });
  }
  assertEditable(current.status);
  await checkExtras(em, caller.companyId, patch);
  const channel = patch.channel ?? current.channel;
  let recurrence = await recurrenceFor(em, caller.companyId, patch.recurrence, channel);
  if (recurrence === undefined) {
    recurrence = current.recurrence;
    if (recurrence && isTrackedChannel(channel)) throw ValidationError.field('channel', `a recurring campaign cannot move to ${channel}, which is tracked, not sent: clear its recurrence first`);
  }
  // A submitted campaign's workflow was started as a one-off send or as a series: it cannot turn
  // into the other. Its cadence may still change until it goes live (read when the schedule is made).
  if (current.status !== 'draft' && current.status !== 'rejected' && (recurrence === null) !== (current.recurrence === null)) {
    throw new ConflictError(
      `a ${current.status} campaign cannot ${recurrence ? 'become recurring' : 'stop recurring'}: that is decided before it is submitted (stop it and duplicate it instead)`,
      'recurrence_fixed',
      { state: current.status, field: 'recurrence' },
    );
  }
  const merged: CampaignDraftInput = {
    name: patch.name ?? current.name,
    code: patch.code ?? current.code,
    description: patch.description === undefined ? current.description : patch.description,
    type: patch.type ?? current.type,
    category: patch.category === undefined ? current.category : patch.category,
    channel: patch.channel ?? current.channel,
    startAt: patch.startAt ?? current.startAt,
    endAt: patch.endAt ?? current.endAt,
    budget: patch.budget ?? current.budget.amount,
    currency: patch.currency ?? current.budget.currency,
  };
  const { draft, approval, warnings } = await assess(em, caller, merged, current.id);
  const t = { ...current.targets, ...patch.targets };
  const res = await sqlOf(em).raw<{ rowCount: number }>(
    `update campaigns set code = ?, name = ?, description = ?, type = ?, category = ?, primary_channel = ?, channels = ?, start_at = ?, end_at = ?,
            total_budget = ?, currency = ?, target_audience_size = ?, expected_conversion_rate = ?, target_roi = ?, target_leads = ?, target_conversions = ?,
            content = ?, sender = ?, variants = ?, recurrence = ?, updated_by_id = ?, updated_at = now(), version = version + 1,
            status = case when status = 'rejected' then 'draft' else status end,
            workflow_id = case when status = 'rejected' then null else workflow_id end
      where id = ? and company_id = ? and version = ?`,
    [
      draft.code, draft.name, draft.description, draft.type, draft.category, draft.channel, [draft.channel], draft.startAt, draft.endAt, draft.budget, draft.currency,
      t.audienceSize, t.conversionRate, t.roi, t.leads, t.conversions,
      JSON.stringify(patch.content ?? current.content), JSON.stringify(patch.sender ?? current.sender), JSON.stringify(patch.variants ?? current.variants),
      recurrence ? JSON.stringify(recurrence) : null, caller.userId, current.id, caller.companyId, current.version,
    ],
  );
  if (res.rowCount === 0) throw new PreconditionFailedError('the campaign changed while you were saving; reload and edit again');
  await writeAudience(em, caller.companyId, current.id, patch.audience);
  return { approvalRequired: approval.required, warnings };
}

/** Puts back what an edit changed, when the workflow refused it after the commit. */
export async function restoreCampaign(em: EntityManager, caller: Caller, before: CampaignDto): Promise<void> {
  const t = before.targets;
  await sqlOf(em).raw(
    `update campaigns set code = ?, name = ?, description = ?, type = ?, category = ?, primary_channel = ?, channels = ?, start_at = ?, end_at = ?,
            total_budget = ?, currency = ?, target_audience_size = ?, expected_conversion_rate = ?, target_roi = ?, target_leads = ?, target_conversions = ?,
            content = ?, sender = ?, variants = ?, recurrence = ?, updated_by_id = ?, updated_at = now(), version = version + 1
      where id = ? and company_id = ?`,
    [
      before.code, before.name, before.description, before.type, before.category, before.channel, before.channels, before.startAt, before.endAt,
      before.budget.amount, before.budget.currency, t.audienceSize, t.conversionRate, t.roi, t.leads, t.conversions,
      JSON.stringify(before.content), JSON.stringify(before.sender), JSON.stringify(before.variants), before.recurrence ? JSON.stringify(before.recurrence) : null,
      caller.userId, before.id, caller.companyId,
    ],
  );
  await writeAudience(em, caller.companyId, before.id, before.audience ? { segmentId: before.audience.segmentId, rules: before.audience.rules } : null);
}

export async function softDelete(em: EntityManager, caller: Caller, current: CampaignDto): Promise<void> {
  assertDeletable({ state: current.status, recipientCount: 0 }, 'soft');
  await sqlOf(em).raw(`update campaigns set deleted_at = now(), updated_by_id = ?, version = version + 1 where id = ? and company_id = ?`, [caller.userId, current.id, caller.companyId]);
}

/** A new draft with the same content, audience and targets; its dates move forward if they have passed. */
export async function duplicateCampaign(em: EntityManager, caller: Caller, source: CampaignDto): Promise<string> {
  const now = Date.now();
  const start = Date.parse(source.startAt);
  const shift = start < now + 3600_000 ? now + 86_400_000 - start : 0;
  const name = `Copy of ${source.name}`.slice(0, CAMPAIGN_NAME_MAX);
  const { id } = await createCampaign(em, caller, {
    name,
    description: source.description,
    type: source.type,
    category: source.category,
    channel: source.channel,
    startAt: new Date(start + shift).toISOString(),
    endAt: new Date(Date.parse(source.endAt) + shift).toISOString(),
    budget: source.budget.amount,
    currency: source.budget.currency,
    targets: source.targets,
    content: source.content as Create['content'],
    sender: source.sender as Create['sender'],
    variants: source.variants as Create['variants'],
    recurrence: source.recurrence,
    ...(source.audience ? { audience: { segmentId: source.audience.segmentId, rules: source.audience.rules } } : {}),
  });
  return id;
}

export function requireContentFor(c: CampaignDto): void {
  const content = (c.content as Record<string, unknown>)[c.channel];
  if (!content) throw ValidationError.field(`content.${c.channel}`, `a ${c.channel} campaign needs ${c.channel} content before it is submitted`);
}

export { approvalHash, loadCampaign };
