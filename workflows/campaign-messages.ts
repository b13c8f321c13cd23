/**
 * The campaign workflow's messages, declared once: the workflow sets their handlers, the API
 * imports the same constants (never string names).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignState } from '../domain/campaign-states.ts';

export const CAMPAIGN_TASK_QUEUE = 'campaigns';
export const campaignWorkflowId = (campaignId: string): string => `campaign-${campaignId}`;

export interface CampaignOptions {
  /** Recipients per sendBatch activity (BENCHMARKS: 1 000–2 500 is the sweet spot). */
  batchSize: number;
  /** sendBatch activities in flight at once. */
  maxInFlight: number;
  /** Remind the approvers after this long without a decision (ms). */
  approvalReminderMs: number;
  /** Give up on approval after this long (ms): the campaign goes back to draft. */
  approvalExpiryMs: number;
  /** Pause the campaign when more than `failureRate` of the last `failureWindow` messages failed. */
  failureWindow: number;
  failureRate: number;
  /** Continue-as-new after this many batches even if Temporal does not suggest it yet. */
  batchesPerRun: number;
  /**
   * Keep CampaignStatus and friends current for ops. Off only where the server has no such
   * attributes registered (the time-skipping test server cannot register custom ones).
   */
  searchAttributes: boolean;
}

export const DEFAULT_CAMPAIGN_OPTIONS: CampaignOptions = {
  batchSize: 1000,
  maxInFlight: 2,
  approvalReminderMs: 24 * 3600_000,
  approvalExpiryMs: 7 * 24 * 3600_000,
  failureWindow: 500,
  failureRate: 0.5,
  batchesPerRun: 500,
  searchAttributes: true,
};

export interface Counts {
  audience: number;
  sent: number;
  failed: number;
  skipped: number;
  remaining: number;
}

export interface ApprovalEntry {
  decision: 'approved' | 'rejected' | 'expired' | 'reset';
  by: string | null;
  at: string;
  comment: string | null;
  contentHash: string;
}

/** What survives continue-as-new. */
export interface CarriedState {
  status: CampaignState;
  cursor: number;
  maxSeq: number;
  counts: Counts;
  approvals: ApprovalEntry[];
  contentHash: string;
  stateVersion: number;
  recentOutcomes: { sent: number; failed: number }[];
  runs: number;
  /** Ranges a pause interrupted, still to send. */
  redo?: { fromSeq: number; toSeq: number }[];
  /** Counts already taken from ranges that run again, keyed by their first seq. */
  partial?: [number, { sent: number; failed: number; skipped: number }][];
}

export interface CampaignWorkflowInput {
  version: 1;
  campaignId: string;
  companyId: string;
  createdBy: string;
  approvalRequired: boolean;
  /** ISO instant; null sends as soon as the campaign is approved (or submitted). */
  startAt: string | null;
  contentHash: string;
  /**
   * Tracked, not sent (paid ads, social, organic, direct mail): approval and scheduling as for any
   * campaign, then `sending` means "running (tracking)" from the start until the campaign's end
   * date, then `completed`. No audience is snapshotted and nothing is sent; pause and resume do not
   * apply (the API refuses them with 409 tracked_only), stop ends tracking early.
   */
  tracked?: boolean;
  /**
   * A recurring campaign (workflows/series.ts): approval and scheduling as for any campaign, then
   * instead of sending it creates the Temporal Schedule that starts one occurrence per run;
   * `sending` means "live", pause/resume/stop pause/unpause/delete the schedule, and the end date
   * completes it.
   */
  series?: boolean;
  options?: Partial<CampaignOptions>;
  carried?: CarriedState;
}

export interface CampaignStateView {
  campaignId: string;
  status: CampaignState;
  startAt: string | null;
  nextWakeAt: string | null;
  counts: Counts;
  inFlightBatches: { fromSeq: number; toSeq: number }[];
  approvals: ApprovalEntry[];
  contentHash: string;
  stateVersion: number;
  pauseReason: string | null;
  lastError: string | null;
}

export interface CampaignResult {
  status: CampaignState;
  counts: Counts;
}

export interface DecisionInput {
  approverId: string;
  comment?: string;
}
export interface ContentEdit {
  editorId: string;
  /** Hash of the new content and audience, computed by the API from what it stored. */
  contentHash: string;
  /** Whether the edited campaign needs approval (the budget may have changed). */
  approvalRequired: boolean;
}
export interface ActorInput {
  actorId: string;
  reason?: string;
}

export const stateQuery = defineQuery<CampaignStateView>('state');
export const approveUpdate = defineUpdate<CampaignStateView, [DecisionInput]>('approve');
export const rejectUpdate = defineUpdate<CampaignStateView, [DecisionInput]>('reject');
export const rescheduleUpdate = defineUpdate<CampaignStateView, [{ actorId: string; startAt: string }]>('reschedule');
export const sendNowUpdate = defineUpdate<CampaignStateView, [ActorInput]>('sendNow');
export const editContentUpdate = defineUpdate<CampaignStateView, [ContentEdit]>('editContent');
export const editAudienceUpdate = defineUpdate<CampaignStateView, [ContentEdit]>('editAudience');
export const pauseSignal = defineSignal<[ActorInput]>('pause');
export const resumeSignal = defineSignal<[ActorInput]>('resume');
export const stopSignal = defineSignal<[ActorInput]>('stop');
