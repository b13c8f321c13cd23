/**
 * /api/reports/subscriptions: scheduled report delivery (seed 000). A user with analytics:export
 * subscribes to a weekly or monthly report — the dashboard overview, or one campaign's report — and
 * receives it by e-mail with the CSV/PDF attached; the list shows the next delivery; deleting cancels.
 * Each subscription is a Temporal Schedule (`report-<id>`) in the company's time zone.
 */
import { createRoute } from '@hono/zod-openapi';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { REPORT_FREQUENCIES, REPORT_KINDS, reportCalendar, type ReportFrequency } from '../../domain/report-schedule.ts';
import { sqlOf } from '../../db/sql.ts';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { reportScheduleId, type ScheduledReportInput } from '../../workflows/report-messages.ts';
import type { scheduledReportWorkflow } from '../../workflows/reports.ts';
import type { AppDeps } from '../deps.ts';

const Filters = z
  .strictObject({
    channel: z.array(z.string().min(1).max(32)).max(20),
    region: z.array(z.string().min(1).max(64)).max(50),
    team: z.array(z.uuid()).max(50),
  })
  .partial();

const Subscription = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(REPORT_KINDS),
    frequency: z.enum(REPORT_FREQUENCIES),
    campaignId: z.uuid().nullable(),
    campaignName: z.string().nullable().openapi({ description: "A campaign report's campaign, by name (null for an overview)" }),
    filters: z.record(z.string(), z.array(z.string())),
    nextDeliveryAt: z.string().nullable().openapi({ description: 'When the next e-mail goes out (null if the schedule is missing)' }),
    lastSentAt: z.string().nullable(),
    lastPeriod: z.object({ from: z.string(), to: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .openapi('ReportSubscription');

const SubscriptionCreate = z
  .strictObject({
    name: z.string().min(1).max(200),
    kind: z.enum(REPORT_KINDS),
    frequency: z.enum(REPORT_FREQUENCIES),
    campaignId: z.uuid().optional().openapi({ description: 'Required for a campaign report' }),
    filters: Filters.optional(),
  })
  .openapi('ReportSubscriptionCreate');

interface Row {
  id: string;
  name: string;
  kind: (typeof REPORT_KINDS)[number];
  frequency: ReportFrequency;
  campaign_id: string | null;
  campaign_name: string | null;
  filters: Record<string, string[]>;
  created_at: Date;
  last_sent_at: Date | null;
  last_from: string | null;
  last_to: string | null;
}
const SELECT = `select s.id, s.name, s.kind, s.frequency, s.campaign_id, c.name as campaign_name, s.filters, s.created_at, d.sent_at as last_sent_at,
    to_char(d.period_from, 'YYYY-MM-DD') as last_from, to_char(d.period_to, 'YYYY-MM-DD') as last_to
  from report_subscriptions s
  left join campaigns c on c.id = s.campaign_id
  left join lateral (select * from report_deliveries x where x.subscription_id = s.id and x.status = 'sent' order by x.period_from desc limit 1) d on true`;

async function nextDelivery(client: Client, id: string): Promise<string | null> {
  try {
    const d = await client.schedule.getHandle(reportScheduleId(id)).describe();
    return d.info.nextActionTimes[0]?.toISOString() ?? null;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}

export function reportRoutes(deps: AppDeps) {
  const client = () => deps.temporal.client;
  const tags = ['Reports'];
  const toDto = async (r: Row) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    frequency: r.frequency,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    filters: r.filters,
    nextDeliveryAt: await nextDelivery(client(), r.id),
    lastSentAt: r.last_sent_at ? new Date(r.last_sent_at).toISOString() : null,
    lastPeriod: r.last_from && r.last_to ? { from: r.last_from, to: r.last_to } : null,
    createdAt: new Date(r.created_at).toISOString(),
  });
  /** Mine only: a subscription is its owner's, whoever else has the permission. */
  const load = async (em: EntityManager, companyId: string, userId: string, id: string) => {
    const res = await sqlOf(em).raw<{ rows: Row[] }>(`${SELECT} where s.id = ? and s.company_id = ? and s.user_id = ?`, [id, companyId, userId]);
    if (!res.rows[0]) throw new NotFoundError('report subscription', id);
    return res.rows[0];
  };

  const list = createRoute({ method: 'get', path: '/subscriptions', tags, summary: 'My report subscriptions, with the next delivery of each', ...secured('analytics:export'), responses: { 200: json(z.object({ items: z.array(Subscription) }), 'Subscriptions'), ...errors() } });
  const create = createRoute({ method: 'post', path: '/subscriptions', tags, summary: 'Subscribe to a weekly (Mondays) or monthly (the 1st) report by e-mail, 08:00 company time', ...secured('analytics:export'), request: { body: body(SubscriptionCreate) }, responses: { 201: json(Subscription, 'Subscribed'), ...errors() } });
  const remove = createRoute({ method: 'delete', path: '/subscriptions/{id}', tags, summary: 'Cancel a report subscription', ...secured('analytics:export'), request: { params: IdParam }, responses: { 204: { description: 'Cancelled' }, ...errors(404) } });
  const sendNow = createRoute({ method: 'post', path: '/subscriptions/{id}/send-now', tags, summary: 'Deliver the report for the last complete period now (once per period)', ...secured('analytics:export'), request: { params: IdParam }, responses: { 202: json(z.object({ queued: z.literal(true) }), 'Queued'), ...errors(404) } });

  return router()
    .openapi(list, async (c) => {
      const caller = c.get('caller');
      const res = await sqlOf(c.get('em')).raw<{ rows: Row[] }>(`${SELECT} where s.company_id = ? and s.user_id = ? order by s.created_at desc, s.id`, [caller.companyId, caller.userId]);
      return c.json({ items: await Promise.all(res.rows.map(toDto)) }, 200);
    })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      if (input.kind === 'campaign' && !input.campaignId) throw ValidationError.field('campaignId', 'a campaign report names its campaign');
      if (input.kind === 'overview' && input.campaignId) throw ValidationError.field('campaignId', 'an overview report covers every campaign: leave campaignId out (or choose kind "campaign")');
      const row = await c.get('em').transactional(async (tx) => {
        const sql = sqlOf(tx);
        const company = (await sql.raw<{ rows: { time_zone: string }[] }>(`select time_zone from companies where id = ?`, [caller.companyId])).rows[0]!;
        if (input.campaignId) {
          const found = await sql.raw<{ rows: unknown[] }>(`select 1 from campaigns where id = ? and company_id = ? and deleted_at is null`, [input.campaignId, caller.companyId]);
          if (!found.rows[0]) throw ValidationError.field('campaignId', 'no such campaign in your company');
        }
        const filters = Object.fromEntries(Object.entries(input.filters ?? {}).filter(([, v]) => v && v.length > 0));
        const inserted = await sql.raw<{ rows: { id: string }[] }>(
          `insert into report_subscriptions (company_id, user_id, name, kind, frequency, campaign_id, filters) values (?, ?, ?, ?, ?, ?, ?) returning id`,
          [caller.companyId, caller.userId, input.name, input.kind, input.frequency, input.campaignId ?? null, JSON.stringify(filters)],
        );
        const id = inserted.rows[0]!.id;
        await audit(tx, c, { action: 'report.subscribed', entityType: 'report_subscription', entityId: id, after: { name: input.name, kind: input.kind, frequency: input.frequency } });
        // Created inside the transaction: if the schedule cannot be made, no subscription is left behind.
        const args: ScheduledReportInput = { subscriptionId: id, companyId: caller.companyId };
        await client().schedule.create<typeof scheduledReportWorkflow>({
          scheduleId: reportScheduleId(id),
          spec: { calendars: [reportCalendar(input.frequency)], timezone: company.time_zone },
          action: { type: 'startWorkflow', workflowType: 'scheduledReportWorkflow', taskQueue: deps.config.TEMPORAL_TASK_QUEUE, workflowId: `report-run-${id}`, args: [args] },
          policies: { catchupWindow: '1 day' },
        });
        return load(tx, caller.companyId, caller.userId, id);
      });
      return c.json(await toDto(row), 201);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      await c.get('em').transactional(async (tx) => {
        const row = await load(tx, caller.companyId, caller.userId, id);
        await sqlOf(tx).raw(`delete from report_subscriptions where id = ?`, [id]);
        await audit(tx, c, { action: 'report.cancelled', entityType: 'report_subscription', entityId: id, before: { name: row.name, frequency: row.frequency } });
        await client()
          .schedule.getHandle(reportScheduleId(id))
          .delete()
          .catch((err: unknown) => {
            if (!(err instanceof ScheduleNotFoundError)) throw err;
          });
      });
      return c.body(null, 204);
    })
    .openapi(sendNow, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      await load(c.get('em'), caller.companyId, caller.userId, id);
      try {
        await client().schedule.getHandle(reportScheduleId(id)).trigger();
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) throw new NotFoundError('report schedule', id);
        throw err;
      }
      return c.json({ queued: true as const }, 202);
    });
}
