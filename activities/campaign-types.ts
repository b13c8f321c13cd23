/** The contract between the campaign workflow and its activities (the workflow imports types only). */
import type { CampaignState } from '../domain/campaign-states.ts';
import type { ApprovalEntry, Counts } from '../workflows/campaign-messages.ts';

export interface CampaignRef {
  campaignId: string;
  companyId: string;
}

export interface ProjectionInput extends CampaignRef {
  status: CampaignState;
  stateVersion: number;
  counts?: Counts;
  approval?: ApprovalEntry;
  actorId?: string | null;
  reason?: string | null;
}

export interface SnapshotResult {
  /** Every recipient row, sendable or not. */
  audience: number;
  /** Sendable rows are numbered 1..maxSeq; excluded ones (no address, no consent, suppressed) after. */
  maxSeq: number;
  excluded: number;
}

export interface BatchInput extends CampaignRef {
  fromSeq: number;
  toSeq: number;
}

export interface BatchResult {
  /** Status totals over the whole range, read back from the database: exact across retries. */
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
  /** Of the pending: rows the provider refused for now (5xx, 429, timeouts) after in-batch retries. */
  deferred?: number;
  lastError?: string | null;
}

export type NotificationKind =
  | 'approval.requested'
  | 'approval.reminder'
  | 'approval.expired'
  | 'campaign.approved'
  | 'campaign.rejected'
  | 'campaign.scheduled'
  | 'campaign.started'
  | 'campaign.paused'
  | 'campaign.completed'
  | 'campaign.stopped'
  | 'campaign.failure_rate';

export interface NotifyInput extends CampaignRef {
  kind: NotificationKind;
  /** Who hears about it: the approvers of the company, or the creator and the campaign's watchers. */
  audience: 'approvers' | 'owners';
  payload?: Record<string, unknown>;
}

export interface CampaignActivities {
  projectStatus(input: ProjectionInput): Promise<boolean>;
  notify(input: NotifyInput): Promise<number>;
  snapshotAudience(input: CampaignRef): Promise<SnapshotResult>;
  sendBatch(input: BatchInput): Promise<BatchResult>;
  finalizeRecipients(input: CampaignRef & { stopped: boolean }): Promise<Counts>;
  /** A tracked-only campaign's end as stored now (ISO), or null when the row is gone. */
  trackingWindow(input: CampaignRef): Promise<{ endAt: string | null }>;
}

export interface OccurrenceInput extends CampaignRef {
  /** Unique per scheduled run: a retried activity returns the occurrence it already made. */
  occurrenceKey: string;
}

export interface RecurringActivities {
  createOccurrence(input: OccurrenceInput): Promise<{ campaignId: string; contentHash: string }>;
}

export interface DispatchInput {
  subscriptionId: string;
}

export interface DispatchResult {
  /** False once the subscription is deleted or switched off: the dispatcher ends. */
  active: boolean;
  delivered: number;
  failed: number;
  /** When the earliest pending delivery falls due (0: now), or null when none is pending. */
  nextDueInMs: number | null;
}

export interface WebhookActivities {
  dispatchWebhooks(input: DispatchInput): Promise<DispatchResult>;
}

export interface ReportInput {
  subscriptionId: string;
  /** The scheduled run's start time (ISO): which period the report covers. */
  asOf: string;
}

export interface ReportResult {
  outcome: 'sent' | 'already_sent' | 'gone' | 'recipient_inactive' | 'refused';
  period?: { from: string; to: string };
  attachments?: string[];
}

export interface ReportActivities {
  sendReport(input: ReportInput): Promise<ReportResult>;
}
