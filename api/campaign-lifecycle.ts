/**
 * Client-side helpers for the campaign workflow: what the API calls. Starting twice is not an
 * error; messages go by the constants declared beside the workflow.
 */
import { ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { RecurringCampaignInput } from '../workflows/recurring.ts';
import { ConflictError } from '../domain/errors.ts';
import { CampaignIdKey, CampaignStatusKey, CompanyIdKey } from '../workflows/search-attributes.ts';
import {
  CAMPAIGN_TASK_QUEUE,
  campaignWorkflowId,
  stateQuery,
  type CampaignStateView,
  type CampaignWorkflowInput,
} from '../workflows/campaign-messages.ts';
import type { campaignWorkflow } from '../workflows/campaign.ts';

export async function startCampaign(client: Client, input: CampaignWorkflowInput, taskQueue = CAMPAIGN_TASK_QUEUE): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = campaignWorkflowId(input.campaignId);
  try {
    await client.workflow.start<typeof campaignWorkflow>('campaignWorkflow', {
      workflowId,
      taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: CampaignIdKey, value: input.campaignId },
        { key: CompanyIdKey, value: input.companyId },
        { key: CampaignStatusKey, value: 'draft' },
      ],
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}

export function campaignHandle(client: Client, campaignId: string) {
  return client.workflow.getHandle<typeof campaignWorkflow>(campaignWorkflowId(campaignId));
}

export async function campaignState(client: Client, campaignId: string): Promise<CampaignStateView> {
  return campaignHandle(client, campaignId).query(stateQuery);
}

/**
 * Runs an update; the workflow's rejection (its validator said no) becomes a 409 with its reason, and
 * so does a campaign with no running workflow to ask (never submitted, finished, or imported with a
 * status but no run): `state` is the stored status the message names.
 */
export async function runUpdate<T>(call: () => Promise<T>, state?: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause instanceof Error ? err.cause.message : err.message;
      throw new ConflictError(reason, 'workflow_rejected');
    }
    if (err instanceof WorkflowNotFoundError) {
      throw new ConflictError(`${state ? `a ${state} campaign` : 'this campaign'} has no running workflow to act on`, 'invalid_state', state ? { state } : undefined);
    }
    throw err;
  }
}

/** The Temporal Schedule behind a recurring campaign: one run per occurrence, never two at once. */
export const campaignScheduleId = (campaignId: string): string => `campaign-schedule-${campaignId}`;

export interface RecurrenceInput {
  /** Standard cron (e.g. `0 9 * * MON`) or a fixed interval. */
  cron?: string;
  everyMs?: number;
  timeZone?: string;
  /** The series' span: no run before `startAt` or after `endAt`. */
  startAt?: Date;
  endAt?: Date;
}

export async function scheduleRecurringCampaign(
  client: Client,
  input: RecurringCampaignInput,
  recurrence: RecurrenceInput,
  taskQueue = CAMPAIGN_TASK_QUEUE,
): Promise<string> {
  const scheduleId = campaignScheduleId(input.campaignId);
  if (!recurrence.cron && !recurrence.everyMs) throw new Error('a recurrence needs cron or everyMs');
  await client.schedule.create({
    scheduleId,
    spec: {
      ...(recurrence.cron ? { cronExpressions: [recurrence.cron] } : { intervals: [{ every: recurrence.everyMs! }] }),
      ...(recurrence.timeZone ? { timezone: recurrence.timeZone } : {}),
      ...(recurrence.startAt ? { startAt: recurrence.startAt } : {}),
      ...(recurrence.endAt ? { endAt: recurrence.endAt } : {}),
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'recurringCampaignWorkflow',
      taskQueue,
      workflowId: `campaign-recurring-${input.campaignId}`,
      args: [input],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  });
  return scheduleId;
}

/** Pause, resume or delete a recurring campaign's schedule together with the campaign. */
export function recurringSchedule(client: Client, campaignId: string) {
  return client.schedule.getHandle(campaignScheduleId(campaignId));
}
