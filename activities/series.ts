/**
 * A recurring campaign's Temporal Schedule, driven by the campaign's own workflow once the series
 * is approved: created when it goes live, paused and unpaused with the campaign, deleted when it is
 * stopped or its end date passes. Each is idempotent (Temporal may run any of them again).
 */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { CampaignRef } from './campaign-types.ts';
import type { CampaignOptions } from '../workflows/campaign-messages.ts';
import { parseRecurrence, recurrenceCron } from '../domain/campaign-recurrence.ts';
import { scheduleRecurringCampaign, recurringSchedule } from '../api/campaign-lifecycle.ts';

export interface SeriesInput extends CampaignRef {
  createdBy: string;
  /** The content the series was approved with: occurrences carrying it need no approval of their own. */
  approvedContentHash: string;
  options?: Partial<CampaignOptions>;
}

export interface SeriesActivities {
  /** Creates the schedule (a retry finds it made); answers the series' end, when the workflow completes it. */
  activateSeries(input: SeriesInput): Promise<{ endAt: string }>;
  pauseSeries(input: CampaignRef & { reason: string | null }): Promise<void>;
  resumeSeries(input: CampaignRef): Promise<void>;
  endSeries(input: CampaignRef): Promise<void>;
}

export function createSeriesActivities(orm: MikroORM, temporal: (() => Promise<Client>) | undefined): SeriesActivities {
  const client = async (): Promise<Client> => {
    if (!temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for recurring campaigns', 'NoTemporalClient');
    return temporal();
  };

  async function activateSeries(input: SeriesInput): Promise<{ endAt: string }> {
    const res = await orm.em.getKnex().raw<{ rows: { recurrence: unknown; start_at: Date; end_at: Date; time_zone: string }[] }>(
      `select c.recurrence, c.start_at, c.end_at, co.time_zone from campaigns c join companies co on co.id = c.company_id where c.id = ? and c.company_id = ?`,
      [input.campaignId, input.companyId],
    );
    const row = res.rows[0];
    if (!row?.recurrence) throw ApplicationFailure.nonRetryable(`campaign ${input.campaignId} has no recurrence`, 'NoRecurrence');
    const recurrence = parseRecurrence(row.recurrence, row.time_zone);
    try {
      await scheduleRecurringCampaign(
        await client(),
        {
          campaignId: input.campaignId,
          companyId: input.companyId,
          createdBy: input.createdBy,
          approvalRequired: false,
          approvedContentHash: input.approvedContentHash,
          ...(input.options ? { options: input.options } : {}),
        },
        { cron: recurrenceCron(recurrence), timeZone: recurrence.timeZone, startAt: new Date(row.start_at), endAt: new Date(row.end_at) },
        activityInfo().taskQueue,
      );
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    return { endAt: new Date(row.end_at).toISOString() };
  }

  /** A schedule that is already gone has nothing left to pause, unpause or delete. */
  async function onSchedule(ref: CampaignRef, act: (h: ReturnType<typeof recurringSchedule>) => Promise<void>): Promise<void> {
    try {
      await act(recurringSchedule(await client(), ref.campaignId));
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }

  return {
    activateSeries,
    pauseSeries: (input) => onSchedule(input, (h) => h.pause(input.reason ?? 'campaign paused')),
    resumeSeries: (input) => onSchedule(input, (h) => h.unpause('campaign resumed')),
    endSeries: (input) => onSchedule(input, (h) => h.delete()),
  };
}
