/**
 * One durable workflow per submitted campaign (`campaign-<id>`): approval, scheduling, batched
 * sending with pause/resume/stop, completion; a tracked-only campaign is tracked from its start to its
 * end instead of sent (`input.tracked`). The workflow is the source of truth for the state;
 * every transition is projected to the `campaigns` row by an activity with a growing stateVersion.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
  ApplicationFailure,
} from '@temporalio/workflow';
import type { CampaignActivities, BatchResult } from '../activities/campaign-types.ts';
import { canTransition, isTerminal, type CampaignState } from '../domain/campaign-states.ts';
import { CampaignIdKey, CampaignStatusKey, CompanyIdKey } from './search-attributes.ts';
import {
  DEFAULT_CAMPAIGN_OPTIONS,
  approveUpdate,
  editAudienceUpdate,
  editContentUpdate,
  pauseSignal,
  rejectUpdate,
  rescheduleUpdate,
  resumeSignal,
  sendNowUpdate,
  stateQuery,
  stopSignal,
  type ApprovalEntry,
  type CampaignResult,
  type CampaignStateView,
  type CampaignWorkflowInput,
  type CarriedState,
  type ContentEdit,
} from './campaign-messages.ts';
import { runSeries } from './series.ts';

const acts = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

const sender = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  // A cancelled batch records the message in hand before it stops; wait for that.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
  // Through the task queue, not eagerly to the worker that runs this workflow: otherwise every
  // batch lands on that one process and more worker processes get nothing to send. Replay does
  // not compare this flag, so running workflows need no patch (test/replay.test.ts proves it).
  allowEagerDispatch: false,
});

interface Range {
  fromSeq: number;
  toSeq: number;
}

export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignResult> {
  const opts = { ...DEFAULT_CAMPAIGN_OPTIONS, ...input.options };
  const ref = { campaignId: input.campaignId, companyId: input.companyId };
  const carried: CarriedState = input.carried ?? {
    status: 'draft',
    cursor: 0,
    maxSeq: -1,
    counts: { audience: 0, sent: 0, failed: 0, skipped: 0, remaining: 0 },
    approvals: [],
    contentHash: input.contentHash,
    stateVersion: 0,
    recentOutcomes: [],
    runs: 0,
  };
  let { status, cursor, maxSeq, counts, approvals, contentHash, stateVersion, recentOutcomes } = carried;
  let startAt = input.startAt;
  let approvalRequired = input.approvalRequired;
  let nextWakeAt: string | null = null;
  let pauseRequested = false;
  let stopRequested = false;
  let sendNowRequested = false;
  let scheduleChanged = false;
  let editing = 0;
  let pauseReason: string | null = null;
  let lastError: string | null = null;
  let decision: ApprovalEntry | null = null;
  let fatal = false;
  const inFlight = new Map<number, { range: Range; scope: CancellationScope }>();
  const redo: Range[] = [...(carried.redo ?? [])];
  // Totals already counted for ranges that must run again (their counts are read back per range).
  const partial = new Map<number, { sent: number; failed: number; skipped: number }>(carried.partial ?? []);

  const current = (): CampaignState => status;
  const view = (): CampaignStateView => ({
    campaignId: input.campaignId,
    status,
    startAt,
    nextWakeAt,
    counts: { ...counts, remaining: Math.max(0, counts.audience - counts.sent - counts.failed - counts.skipped) },
    inFlightBatches: [...inFlight.values()].map((f) => f.range),
    approvals,
    contentHash,
    stateVersion,
    pauseReason,
    lastError,
  });

  async function moveTo(next: CampaignState, extra: { approval?: ApprovalEntry; actorId?: string | null; reason?: string | null } = {}) {
    if (next !== status && !canTransition(status, next)) {
      throw ApplicationFailure.nonRetryable(`campaign cannot go from ${status} to ${next}`, 'InvalidTransition');
    }
    status = next;
    stateVersion += 1;
    if (opts.searchAttributes) upsertSearchAttributes([{ key: CampaignStatusKey, value: status }]);
    await acts.projectStatus({ ...ref, status, stateVersion, counts: view().counts, ...extra });
  }

  // --- messages -----------------------------------------------------------------------------
  setHandler(stateQuery, view);

  const decide = (kind: 'approved' | 'rejected') => ({
    validator: ({ approverId }: { approverId: string }) => {
      if (status !== 'pending_approval') throw new Error(`only a campaign pending approval can be ${kind} (it is ${status})`);
      if (approverId === input.createdBy) throw new Error('the creator of a campaign cannot approve or reject it');
      if (decision) throw new Error('a decision is already being recorded');
    },
  });
  setHandler(
    approveUpdate,
    async ({ approverId, comment }) => {
      decision = { decision: 'approved', by: approverId, at: new Date().toISOString(), comment: comment ?? null, contentHash };
      await condition(() => status !== 'pending_approval');
      return view();
    },
    decide('approved'),
  );
  setHandler(
    rejectUpdate,
    async ({ approverId, comment }) => {
      decision = { decision: 'rejected', by: approverId, at: new Date().toISOString(), comment: comment ?? null, contentHash };
      await condition(() => status !== 'pending_approval');
      return view();
    },
    decide('rejected'),
  );

  const beforeSending = (what: string) => (_input?: unknown) => {
    if (!['pending_approval', 'approved', 'scheduled'].includes(status)) {
      throw new Error(`${what} is only possible before sending starts (the campaign is ${status})`);
    }
  };
  setHandler(
    rescheduleUpdate,
    ({ startAt: at }) => {
      startAt = at;
      scheduleChanged = true;
      return view();
    },
    {
      validator: ({ startAt: at }) => {
        beforeSending('rescheduling')();
        if (Number.isNaN(Date.parse(at))) throw new Error(`startAt: not an ISO date-time: ${at}`);
      },
    },
  );
  setHandler(
    sendNowUpdate,
    (_actor) => {
      sendNowRequested = true;
      return view();
    },
    {
      validator: (_actor) => {
        if (status !== 'approved' && status !== 'scheduled') throw new Error(`send now needs an approved or scheduled campaign (it is ${status})`);
      },
    },
  );
  const onEdit = async (edit: ContentEdit) => {
    editing += 1;
    try {
      contentHash = edit.contentHash;
      approvalRequired = edit.approvalRequired;
      // An edit after approval sends the campaign back for approval (seed 002).
      if ((status === 'approved' || status === 'scheduled') && approvalRequired) {
        approvals = [...approvals, { decision: 'reset', by: edit.editorId, at: new Date().toISOString(), comment: 'edited after approval', contentHash }];
        await moveTo('pending_approval', { actorId: edit.editorId, reason: 'edited after approval' });
      }
    } finally {
      editing -= 1;
    }
    return view();
  };
  setHandler(editContentUpdate, onEdit, { validator: beforeSending('editing the content') });
  setHandler(editAudienceUpdate, onEdit, { validator: beforeSending('editing the audience') });

  setHandler(pauseSignal, ({ reason }) => {
    // A tracked campaign has no sends to hold back (the API refuses its pause with a 409).
    if (status === 'sending' && !input.tracked) {
      pauseRequested = true;
      pauseReason = reason ?? 'paused by a user';
      for (const f of inFlight.values()) f.scope.cancel();
    }
  });
  setHandler(resumeSignal, () => {
    if (status === 'paused') pauseRequested = false;
  });
  setHandler(stopSignal, ({ reason }) => {
    if (isTerminal(status)) return;
    stopRequested = true;
    pauseReason = reason ?? 'stopped by a user';
    for (const f of inFlight.values()) f.scope.cancel();
  });

  // --- lifecycle ----------------------------------------------------------------------------
  if (!input.carried && opts.searchAttributes) {
    upsertSearchAttributes([
      { key: CampaignIdKey, value: input.campaignId },
      { key: CompanyIdKey, value: input.companyId },
    ]);
  }

  async function finish(final: CampaignState, reason?: string): Promise<CampaignResult> {
    if (!input.tracked && !input.series && (status === 'sending' || status === 'paused' || final === 'stopped')) {
      counts = await acts.finalizeRecipients({ ...ref, stopped: final === 'stopped' });
    }
    await moveTo(final, { reason: reason ?? null });
    if (final === 'stopped' || final === 'completed') {
      await acts.notify({ ...ref, kind: final === 'stopped' ? 'campaign.stopped' : 'campaign.completed', audience: 'owners', payload: { counts } });
    }
    await condition(allHandlersFinished);
    return { status, counts: view().counts };
  }

  /**
   * Tracked, not sent: `sending` is "running (tracking)" until the campaign's end date, read from
   * its row when tracking starts and again when the timer fires (so a later end date is honoured).
   * Its figures arrive through the metrics API meanwhile; nothing is snapshotted or sent here.
   */
  async function track(): Promise<CampaignResult> {
    await moveTo('sending');
    await acts.notify({ ...ref, kind: 'campaign.started', audience: 'owners', payload: { tracked: true } });
    for (;;) {
      const { endAt } = await acts.trackingWindow(ref);
      const left = endAt ? Date.parse(endAt) - Date.now() : 0;
      if (!(left > 0) || stopRequested) break;
      nextWakeAt = endAt;
      await condition(() => stopRequested, left);
      nextWakeAt = null;
    }
    return await finish(stopRequested ? 'stopped' : 'completed');
  }

  if (status === 'draft') {
    if (approvalRequired) {
      await moveTo('pending_approval');
      await acts.notify({ ...ref, kind: 'approval.requested', audience: 'approvers' });
    } else {
      await moveTo('scheduled');
    }
  }

  // Approval, scheduling and edits can alternate (an edit after approval asks again).
  while (status === 'pending_approval' || status === 'approved' || status === 'scheduled') {
    if (status === 'pending_approval') {
      const requestedAt = Date.now();
      let reminded = false;
      for (;;) {
        const waitFor = reminded ? opts.approvalExpiryMs - (Date.now() - requestedAt) : opts.approvalReminderMs;
        nextWakeAt = new Date(Date.now() + waitFor).toISOString();
        const woke = await condition(() => decision !== null || stopRequested, waitFor);
        if (woke) break;
        if (!reminded && opts.approvalExpiryMs > opts.approvalReminderMs) {
          reminded = true;
          await acts.notify({ ...ref, kind: 'approval.reminder', audience: 'approvers' });
          continue;
        }
        const expired: ApprovalEntry = { decision: 'expired', by: null, at: new Date().toISOString(), comment: null, contentHash };
        approvals = [...approvals, expired];
        nextWakeAt = null;
        await acts.notify({ ...ref, kind: 'approval.expired', audience: 'owners' });
        return await finish('cancelled', 'approval expired');
      }
      nextWakeAt = null;
      if (stopRequested) return await finish('stopped');
      const d = decision!;
      decision = null;
      approvals = [...approvals, d];
      if (d.decision === 'rejected') {
        await moveTo('rejected', { approval: d, actorId: d.by, reason: d.comment });
        await acts.notify({ ...ref, kind: 'campaign.rejected', audience: 'owners', payload: { comment: d.comment } });
        await condition(allHandlersFinished);
        return { status, counts: view().counts };
      }
      await moveTo('approved', { approval: d, actorId: d.by });
      await acts.notify({ ...ref, kind: 'campaign.approved', audience: 'owners' });
      continue;
    }
    if (status === 'approved' && !sendNowRequested) {
      await moveTo('scheduled');
      continue;
    }
    // scheduled (or approved with send-now): a durable timer to startAt, woken early by messages.
    const due = startAt ? Date.parse(startAt) - Date.now() : 0;
    scheduleChanged = false;
    nextWakeAt = due > 0 ? startAt : null;
    if (due > 0 && !sendNowRequested) {
      await condition(() => sendNowRequested || stopRequested || scheduleChanged || status === 'pending_approval', due);
    }
    if (stopRequested) return await finish('stopped');
    // Handlers may have changed the status while we waited (an edit sent it back for approval).
    if (current() === 'pending_approval' || (scheduleChanged && !sendNowRequested)) continue;
    await condition(() => editing === 0);
    if (current() !== 'pending_approval') break;
  }
  nextWakeAt = null;

  if (input.tracked) return await track();
  if (input.series) {
    return await runSeries({
      ref,
      createdBy: input.createdBy,
      options: input.options,
      contentHash: () => contentHash,
      status: current,
      pauseRequested: () => pauseRequested,
      stopRequested: () => stopRequested,
      pauseReason: () => pauseReason,
      setNextWakeAt: (at) => {
        nextWakeAt = at;
      },
      moveTo: async (next, extra) => {
        if (next === 'sending') pauseReason = null;
        await moveTo(next, extra);
      },
      notify: (kind, payload) => acts.notify({ ...ref, kind, audience: 'owners', ...(payload ? { payload } : {}) }),
      finish,
    });
  }

  if (status !== 'sending' && status !== 'paused') {
    await moveTo('sending');
    await acts.notify({ ...ref, kind: 'campaign.started', audience: 'owners' });
  }
  if (maxSeq < 0) {
    const snap = await acts.snapshotAudience(ref);
    maxSeq = snap.maxSeq;
    counts = { audience: snap.audience, sent: 0, failed: 0, skipped: snap.excluded, remaining: 0 };
  }

  const record = (range: Range, r: BatchResult) => {
    if (r.pending > 0) {
      // Provider refused some for now: those rows go again later; they count as failures below.
      redo.push(range);
      if (r.lastError) lastError = r.lastError;
    }
    const done = { sent: r.sent, failed: r.failed, skipped: r.skipped };
    const prior = partial.get(range.fromSeq) ?? { sent: 0, failed: 0, skipped: 0 };
    partial.set(range.fromSeq, done);
    if (r.pending === 0) partial.delete(range.fromSeq);
    counts = {
      ...counts,
      sent: counts.sent + done.sent - prior.sent,
      failed: counts.failed + done.failed - prior.failed,
      skipped: counts.skipped + done.skipped - prior.skipped,
    };
    recentOutcomes = [...recentOutcomes, { sent: done.sent - prior.sent, failed: done.failed - prior.failed + (r.deferred ?? 0) }];
    let total = 0;
    let failed = 0;
    const kept: typeof recentOutcomes = [];
    for (let i = recentOutcomes.length - 1; i >= 0 && total < opts.failureWindow; i--) {
      kept.unshift(recentOutcomes[i]!);
      total += recentOutcomes[i]!.sent + recentOutcomes[i]!.failed;
      failed += recentOutcomes[i]!.failed;
    }
    recentOutcomes = kept;
    if (total >= opts.failureWindow && failed / total > opts.failureRate && !pauseRequested) {
      pauseRequested = true;
      pauseReason = `automatic pause: ${failed} of the last ${total} messages failed`;
      for (const f of inFlight.values()) f.scope.cancel();
      void acts.notify({ ...ref, kind: 'campaign.failure_rate', audience: 'owners', payload: { failed, total } });
    }
  };

  let batchesThisRun = 0;
  const launch = (range: Range) => {
    const scope = new CancellationScope();
    const id = range.fromSeq;
    inFlight.set(id, { range, scope });
    batchesThisRun += 1;
    return scope
      .run(() => sender.sendBatch({ ...ref, ...range }))
      .then(
        (r) => {
          inFlight.delete(id);
          record(range, r);
        },
        (err: unknown) => {
          inFlight.delete(id);
          if (!isCancellation(err)) {
            lastError = err instanceof Error ? err.message : String(err);
            fatal = true;
            throw err;
          }
          redo.push(range); // cancelled by pause/stop: its pending rows are sent after resume
        },
      );
  };

  const running: Promise<void>[] = [];
  for (;;) {
    if (stopRequested || (fatal && inFlight.size === 0)) break;
    if (pauseRequested && inFlight.size === 0) {
      if (status === 'sending') {
        await moveTo('paused', { reason: pauseReason });
        await acts.notify({ ...ref, kind: 'campaign.paused', audience: 'owners', payload: { reason: pauseReason } });
      }
      await condition(() => !pauseRequested || stopRequested);
      if (stopRequested) break;
      pauseReason = null;
      await moveTo('sending');
      continue;
    }
    const work = redo.length > 0 || cursor < maxSeq;
    if (!work && inFlight.size === 0) break;
    // Bounded history: past the run's budget, stop launching, drain, and carry on in a fresh run.
    const rollOver = workflowInfo().continueAsNewSuggested || batchesThisRun >= opts.batchesPerRun;
    if (rollOver && inFlight.size === 0 && !pauseRequested && !fatal) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof campaignWorkflow>({
        ...input,
        startAt,
        approvalRequired,
        carried: { status, cursor, maxSeq, counts, approvals, contentHash, stateVersion, recentOutcomes, runs: carried.runs + 1, redo, partial: [...partial] },
      });
    }
    if (!rollOver && !pauseRequested && !fatal && work && inFlight.size < opts.maxInFlight) {
      const range = redo.shift() ?? { fromSeq: cursor + 1, toSeq: Math.min(maxSeq, cursor + opts.batchSize) };
      if (range.toSeq > cursor) cursor = range.toSeq;
      running.push(launch(range));
      continue;
    }
    // Wait for a batch to end or a message to change what we do.
    const before = inFlight.size;
    await condition(() => inFlight.size < before || stopRequested || fatal || (pauseRequested && inFlight.size === 0));
  }
  // Surface a batch that failed for good (retries exhausted) as the campaign's failure.
  const settled = await Promise.allSettled(running);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure && !stopRequested) {
    log.error('a batch failed after all retries', { error: lastError });
    counts = await acts.finalizeRecipients({ ...ref, stopped: false });
    await moveTo('failed', { reason: lastError });
    return { status, counts: view().counts };
  }
  return await finish(stopRequested ? 'stopped' : 'completed');
}
