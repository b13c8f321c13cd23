/**
 * A recurring campaign as its detail page shows it: the cadence in words, its Temporal Schedule
 * (paused or not, the next run times) and the occurrences it has started, newest first.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { describeRecurrence, parseRecurrence } from '../../domain/campaign-recurrence.ts';
import { sqlOf } from '../../db/sql.ts';
import { iso } from '../query-values.ts';
import { recurringSchedule } from '../campaign-lifecycle.ts';
import type { z } from '../openapi-zod.ts';
import type { CampaignDto, SeriesSchema } from './schemas.ts';

type Series = z.infer<typeof SeriesSchema>;

/**
 * The schedule's live view; null when there is none (not live yet, or ended) or Temporal does not
 * answer (in time): the campaign page still opens while Temporal is away, as liveState does.
 */
async function scheduleOf(client: Client, campaignId: string): Promise<Series['schedule']> {
  try {
    const d = await Promise.race([recurringSchedule(client, campaignId).describe(), new Promise<null>((r) => setTimeout(() => r(null), 3000).unref())]);
    if (!d) return null;
    return { paused: d.state.paused, note: d.state.note ?? null, nextRuns: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()) };
  } catch {
    return null;
  }
}

export async function seriesOf(client: Client, em: EntityManager, companyId: string, campaign: Pick<CampaignDto, 'id' | 'recurrence'>): Promise<Series | undefined> {
  if (!campaign.recurrence) return undefined;
  const [schedule, rows] = await Promise.all([
    scheduleOf(client, campaign.id),
    sqlOf(em).raw<{ rows: { id: string; code: string; name: string; status: Series['occurrences'][number]['status']; created_at: Date; sent: number; failed: number; audience: number }[] }>(
      // A finished occurrence's counts were kept when its workflow finalised it; only one still
      // under way (its lateral subquery gated by `sent_count is null`) is counted from its rows.
      // Sent includes bounced, as the workflow's own counts do.
      `select k.id, k.code, k.name, k.status, k.created_at,
              coalesce(k.sent_count, live.sent, 0) as sent, coalesce(k.failed_count, live.failed, 0) as failed, coalesce(k.audience_count, live.audience, 0) as audience
         from campaigns k
         left join lateral (
           select (count(*) filter (where r.status in ('sent', 'delivered', 'bounced')))::int as sent,
                  (count(*) filter (where r.status = 'failed'))::int as failed, count(*)::int as audience
             from campaign_recipients r where r.campaign_id = k.id and k.sent_count is null) live on true
        where k.recurring_parent_id = ? and k.company_id = ? and k.deleted_at is null
        order by k.created_at desc limit 50`,
      [campaign.id, companyId],
    ),
  ]);
  return {
    description: describeRecurrence(parseRecurrence(campaign.recurrence, campaign.recurrence.timeZone)),
    schedule,
    occurrences: rows.rows.map((o) => ({ id: o.id, code: o.code, name: o.name, status: o.status, createdAt: iso(o.created_at)!, sent: o.sent, failed: o.failed, audience: o.audience })),
  };
}
