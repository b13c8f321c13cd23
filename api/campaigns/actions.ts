/**
 * Campaign actions: each goes to the workflow as its update or signal and answers with the new
 * state, or with the workflow's refusal as a 409 carrying its reason.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../deps.ts';
import { audit } from '../audit.ts';
import type { z } from '../openapi.ts';
import { body, errors, IdParam, json, router, secured } from '../openapi.ts';
import { campaignHandle, runUpdate, startCampaign } from '../campaign-lifecycle.ts';
import {
  approveUpdate,
  pauseSignal,
  rejectUpdate,
  rescheduleUpdate,
  resumeSignal,
  sendNowUpdate,
  stopSignal,
  type CampaignStateView,
} from '../../workflows/campaign-messages.ts';
import { isTrackedChannel, validateCampaignDraft, validateCampaignSubmission } from '../../domain/campaign-rules.ts';
import { approvalRequirement } from '../../domain/campaign-budget.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../domain/errors.ts';
import type { SegmentRule } from '../../domain/segment-types.ts';
import { campaignAudience } from '../../domain/segment-rules.ts';
import { countAudience } from '../../db/repositories/segments.ts';
import { sqlOf } from '../../db/sql.ts';
import { publishEvents } from '../../db/repositories/outbox.ts';
import type { ApiContext } from '../context.ts';
import { Campaign, DecisionBody, ReasonBody, RejectBody, RescheduleBody } from './schemas.ts';
import { approvalHash, companyPolicy, liveState, loadCampaign } from './store.ts';
import { requireContentFor } from './service.ts';

/** The campaign's audience as one rule: its saved segment's rules AND its own criteria; null: everyone. */
async function audienceRule(em: EntityManager, campaignId: string): Promise<SegmentRule | null> {
  const res = await sqlOf(em).raw<{ rows: { rules: (SegmentRule | null)[] }[] }>(
    `select array[cs.demographic_criteria, cs.behavioral_criteria, cs.geographic_criteria, cs.psychographic_criteria, s.rules] as rules
       from campaign_segments cs left join segments s on s.id = cs.segment_id where cs.campaign_id = ?`,
    [campaignId],
  );
  return campaignAudience(res.rows.map((r) => r.rules.filter((x): x is SegmentRule => x !== null)));
}

/**
 * Signals return before the workflow acts on them: wait (briefly) until its state shows it did, so
 * the answer is the new state rather than the old one.
 */
async function stateAfter(client: Client, id: string, done: (s: CampaignStateView) => boolean, timeoutMs = 5000): Promise<CampaignStateView | null> {
  const handle = campaignHandle(client, id);
  const deadline = Date.now() + timeoutMs;
  let last: CampaignStateView | null = null;
  while (Date.now() < deadline) {
    last = await handle.query<CampaignStateView>('state');
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

const SUBMIT_SUMMARY =
  'Submit a draft: starts its workflow (to approval, or onto the calendar); a tracked-only campaign is then tracked from its start to its end, never sent; ' +
  'a recurring one is approved once for the series, then from its start a Temporal Schedule starts one occurrence per run until its end (pause, resume and stop pause, unpause and delete the schedule)';

function action<P extends string>(path: P, summary: string, permission: 'launch' | 'approve' | 'control') {
  return createRoute({
    method: 'post',
    path,
    tags: ['Campaign actions'],
    summary,
    ...secured(permission),
    request: { params: IdParam },
    responses: { 200: json(Campaign, 'The campaign with its new workflow state'), ...errors(404, 409) },
  });
}

function actionWith<P extends string, T extends z.ZodType>(path: P, summary: string, permission: 'launch' | 'approve' | 'control', schema: T) {
  return createRoute({
    method: 'post',
    path,
    tags: ['Campaign actions'],
    summary,
    ...secured(permission),
    request: { params: IdParam, body: body(schema) },
    responses: { 200: json(Campaign, 'The campaign with its new workflow state'), ...errors(404, 409) },
  });
}

export function campaignActionRoutes(deps: AppDeps) {
  const client = deps.temporal.client;

  async function isRunning(id: string): Promise<boolean> {
    try {
      const d = await campaignHandle(client, id).describe();
      return d.status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /**
   * Whether a run still holds the campaign. A run that recorded a rejection ends a moment later
   * (its last activity wrote 'rejected' first): an edit-and-resubmit in that moment waits for it
   * (up to 5 s) instead of being refused; any other live run answers at once.
   */
  async function heldByRun(id: string): Promise<boolean> {
    const deadline = Date.now() + 5000;
    while (await isRunning(id)) {
      const s = await campaignHandle(client, id)
        .query<CampaignStateView>('state')
        .catch(() => null);
      if ((s && s.status !== 'rejected') || Date.now() > deadline) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  /** The campaign as stored plus the live query: fresher than an update's own answer, which predates its projection. */
  async function respond(c: ApiContext, id: string) {
    const campaign = await loadCampaign(c.get('em'), c.get('caller').companyId, id);
    const live = await liveState(client, campaign);
    return { ...campaign, status: live?.status ?? campaign.status, state: live };
  }

  async function signal(c: ApiContext, id: string, kind: 'pause' | 'resume' | 'stop', reason: string | undefined) {
    const caller = c.get('caller');
    const campaign = await loadCampaign(c.get('em'), caller.companyId, id);
    // Herald sends nothing on a tracked channel, so there is nothing to hold back: the ads, posts or
    // mailings are paused where they run, and their figures keep coming through the metrics API.
    if (kind !== 'stop' && isTrackedChannel(campaign.channel)) {
      throw new ConflictError(
        `a ${campaign.channel} campaign is tracked, not sent: there are no sends to ${kind}; its daily figures keep counting as they are recorded, and stop ends its tracking early`,
        'tracked_only',
        { channel: campaign.channel, state: campaign.status },
      );
    }
    const handle = campaignHandle(client, id);
    let before: CampaignStateView;
    try {
      before = await handle.query<CampaignStateView>('state');
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ConflictError(`a ${campaign.status} campaign has no running workflow to ${kind}`, 'invalid_state', { state: campaign.status });
      throw err;
    }
    const allowed: Record<typeof kind, string[]> = {
      pause: ['sending'],
      resume: ['paused'],
      stop: ['pending_approval', 'approved', 'scheduled', 'sending', 'paused'],
    };
    if (!allowed[kind].includes(before.status)) {
      throw new ConflictError(`cannot ${kind} a ${before.status} campaign`, 'invalid_state', { state: before.status });
    }
    const sig = kind === 'pause' ? pauseSignal : kind === 'resume' ? resumeSignal : stopSignal;
    await handle.signal(sig, { actorId: caller.userId, ...(reason ? { reason } : {}) });
    await audit(c.get('em'), c, { action: `campaign.${kind}`, entityType: 'campaign', entityId: id, before: { status: before.status }, after: reason ? { reason } : null });
    await stateAfter(client, id, (s) => s.stateVersion > before.stateVersion);
    return respond(c, id);
  }

  return router()
    .openapi(action('/{id}/submit', SUBMIT_SUMMARY, 'launch'), async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const em = c.get('em');
      const campaign = await loadCampaign(em, caller.companyId, id);
      if (campaign.status !== 'draft' && campaign.status !== 'rejected') {
        throw new ConflictError(`this campaign was already submitted (it is ${campaign.status})`, 'invalid_state', { state: campaign.status });
      }
      if (await heldByRun(id)) throw new ConflictError('this campaign was already submitted: its workflow is running', 'invalid_state', { state: campaign.status });
      // Tracked, not sent (paid ads, social, organic, direct mail): the same approval and calendar,
      // then tracking from start to end; no content or audience to check, nothing ever snapshotted.
      const tracked = isTrackedChannel(campaign.channel);
      if (!tracked) requireContentFor(campaign);
      const policy = await companyPolicy(em, caller.companyId);
      const draft = { id, name: campaign.name, code: campaign.code, description: campaign.description, type: campaign.type, category: campaign.category, channel: campaign.channel, startAt: campaign.startAt, endAt: campaign.endAt, budget: campaign.budget.amount, currency: campaign.budget.currency };
      const rule = tracked ? null : await audienceRule(em, id);
      const count = tracked ? null : await countAudience(em, caller.companyId, rule);
      const assessment =
        count === null ? validateCampaignDraft(draft, { now: new Date(), company: policy }) : validateCampaignSubmission(draft, { now: new Date(), company: policy }, { rules: rule, count });
      await em.transactional(async (tx) => {
        // A resubmission starts a new run whose state versions begin again at 0.
        await sqlOf(tx).raw(`update campaigns set state_version = 0, status = 'draft', workflow_id = ?, target_audience_size = coalesce(?, target_audience_size) where id = ?`, [`campaign-${id}`, count, id]);
        await audit(tx, c, { action: 'campaign.submitted', entityType: 'campaign', entityId: id, after: { audience: count, approvalRequired: assessment.approval.required, ...(tracked ? { tracked } : {}) } });
        await publishEvents(tx, [{ companyId: caller.companyId, type: 'campaign.launched', payload: { campaignId: id, audience: count ?? 0, approvalRequired: assessment.approval.required, ...(tracked ? { tracked } : {}) } }]);
      });
      await startCampaign(
        client,
        {
          version: 1,
          campaignId: id,
          companyId: caller.companyId,
          createdBy: campaign.createdBy!.id,
          approvalRequired: assessment.approval.required,
          startAt: campaign.startAt,
          contentHash: approvalHash(campaign),
          ...(tracked ? { tracked } : {}),
          // Recurring: approved once for the series, then a Temporal Schedule instead of one send.
          ...(campaign.recurrence ? { series: true } : {}),
        },
        deps.config.TEMPORAL_TASK_QUEUE,
      );
      await stateAfter(client, id, (s) => s.status !== 'draft');
      return c.json(await respond(c, id), 200);
    })
    .openapi(actionWith('/{id}/approve', 'Approve (approver role; never the creator)', 'approve', DecisionBody), async (c) => {
      const { id } = c.req.valid('param');
      const { comment } = c.req.valid('json');
      return c.json(await decide(c, id, 'approve', comment), 200);
    })
    .openapi(actionWith('/{id}/reject', 'Reject with a comment; the campaign returns to its creator', 'approve', RejectBody), async (c) => {
      const { id } = c.req.valid('param');
      const { comment } = c.req.valid('json');
      return c.json(await decide(c, id, 'reject', comment), 200);
    })
    .openapi(actionWith('/{id}/reschedule', 'Move the start (before sending starts)', 'launch', RescheduleBody), async (c) => {
      const { id } = c.req.valid('param');
      const { startAt } = c.req.valid('json');
      const at = new Date(startAt);
      if (Number.isNaN(at.getTime())) throw ValidationError.field('startAt', 'must be an ISO 8601 date-time with an offset');
      const caller = c.get('caller');
      const campaign = await loadCampaign(c.get('em'), caller.companyId, id);
      await runUpdate(() => campaignHandle(client, id).executeUpdate(rescheduleUpdate, { args: [{ actorId: caller.userId, startAt: at.toISOString() }] }), campaign.status);
      await c.get('em').transactional(async (tx) => {
        await sqlOf(tx).raw(`update campaigns set start_at = ?, end_at = greatest(end_at, ?::timestamptz + interval '1 hour'), version = version + 1, updated_by_id = ? where id = ?`, [at, at, caller.userId, id]);
        await audit(tx, c, { action: 'campaign.rescheduled', entityType: 'campaign', entityId: id, after: { startAt: at.toISOString() } });
      });
      return c.json(await respond(c, id), 200);
    })
    .openapi(action('/{id}/send-now', 'Start sending now instead of at the scheduled time', 'launch'), async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const campaign = await loadCampaign(c.get('em'), caller.companyId, id);
      await runUpdate(() => campaignHandle(client, id).executeUpdate(sendNowUpdate, { args: [{ actorId: caller.userId }] }), campaign.status);
      await audit(c.get('em'), c, { action: 'campaign.send_now', entityType: 'campaign', entityId: id });
      await stateAfter(client, id, (s) => s.status !== 'approved' && s.status !== 'scheduled');
      return c.json(await respond(c, id), 200);
    })
    .openapi(actionWith('/{id}/pause', 'Pause sending: no new batches; in-flight ones stop after the message in hand (409 tracked_only for a tracked-only campaign)', 'control', ReasonBody), async (c) =>
      c.json(await signal(c, c.req.valid('param').id, 'pause', c.req.valid('json').reason), 200),
    )
    .openapi(actionWith('/{id}/resume', 'Resume a paused campaign from its first unsent recipient (409 tracked_only for a tracked-only campaign)', 'control', ReasonBody), async (c) =>
      c.json(await signal(c, c.req.valid('param').id, 'resume', c.req.valid('json').reason), 200),
    )
    .openapi(actionWith('/{id}/stop', 'Stop for good: the unsent remainder is marked skipped', 'control', ReasonBody), async (c) =>
      c.json(await signal(c, c.req.valid('param').id, 'stop', c.req.valid('json').reason), 200),
    );

  async function decide(c: ApiContext, id: string, kind: 'approve' | 'reject', comment: string | undefined) {
    const caller = c.get('caller');
    const campaign = await loadCampaign(c.get('em'), caller.companyId, id);
    if (campaign.createdBy?.id === caller.userId) throw new ForbiddenError('the creator of a campaign cannot approve or reject it', 'own_campaign');
    if (kind === 'approve' && !caller.mfa) {
      const policy = await companyPolicy(c.get('em'), caller.companyId);
      // "Above the threshold": what would need approval even if the company did not always require it.
      const aboveThreshold = approvalRequirement({ amount: campaign.budget.amount, currency: campaign.budget.currency }, { ...policy, approvalAlwaysRequired: false }).required;
      if (policy.requireTotpForApproval && aboveThreshold) {
        throw new ForbiddenError('approving a campaign above the approval threshold needs a sign-in with your authenticator code (set it up under your profile)', 'second_factor_required');
      }
    }
    // The workflow's state, not the row: the row's projection may lag a moment behind.
    const live = await liveState(client, campaign);
    const status = live?.status ?? campaign.status;
    if (status !== 'pending_approval') {
      throw new ConflictError(`only a campaign waiting for approval can be ${kind === 'approve' ? 'approved' : 'rejected'} (it is ${status})`, 'invalid_state', { state: status });
    }
    const update = kind === 'approve' ? approveUpdate : rejectUpdate;
    await runUpdate(() => campaignHandle(client, id).executeUpdate(update, { args: [{ approverId: caller.userId, ...(comment ? { comment } : {}) }] }), status);
    await audit(c.get('em'), c, { action: kind === 'approve' ? 'campaign.approved' : 'campaign.rejected', entityType: 'campaign', entityId: id, after: { comment: comment ?? null } });
    await stateAfter(client, id, (s) => s.status !== 'pending_approval', 2000).catch(() => null);
    return respond(c, id);
  }
}
