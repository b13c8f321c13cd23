/** GET /api/calendar: campaigns scheduled or running in a date range, by channel, for the console's calendar. */
import { createRoute } from '@hono/zod-openapi';
import { ALL_CAMPAIGN_CHANNELS } from '../domain/campaign-rules.ts';
import { CAMPAIGN_STATES } from '../domain/campaign-states.ts';
import { ValidationError } from '../domain/errors.ts';
import { sqlOf } from '../db/sql.ts';
import { errors, InstantQuery, json, router, secured, z } from './openapi.ts';

const Entry = z
  .object({ id: z.uuid(), code: z.string(), name: z.string(), channel: z.enum(ALL_CAMPAIGN_CHANNELS), status: z.enum(CAMPAIGN_STATES), startAt: z.string(), endAt: z.string() })
  .openapi('CalendarEntry');

const MAX_RANGE_DAYS = 400;

export function calendarRoutes() {
  const range = createRoute({
    method: 'get',
    path: '/',
    tags: ['Calendar'],
    summary: 'Campaigns pending approval, approved, scheduled, sending or paused that overlap [from, to)',
    ...secured('read'),
    request: {
      query: z.object({
        from: InstantQuery,
        to: InstantQuery,
        channel: z.enum(ALL_CAMPAIGN_CHANNELS).optional(),
      }),
    },
    responses: { 200: json(z.object({ items: z.array(Entry) }), 'Entries in the range'), ...errors() },
  });
  return router().openapi(range, async (c) => {
    const { from, to, channel } = c.req.valid('query');
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days <= 0) throw ValidationError.field('to', 'must be after from');
    if (days > MAX_RANGE_DAYS) throw ValidationError.field('to', `the range may span at most ${MAX_RANGE_DAYS} days`);
    const res = await sqlOf(c.get('em')).raw<{ rows: { id: string; code: string; name: string; primary_channel: string; status: string; start_at: Date; end_at: Date }[] }>(
      `select id, code, name, primary_channel, status, start_at, end_at from campaigns
        where company_id = ? and deleted_at is null and status in ('pending_approval', 'approved', 'scheduled', 'sending', 'paused')
          and start_at < ? and end_at >= ? ${channel ? 'and primary_channel = ?' : ''}
        order by start_at, id limit 2000`,
      channel ? [c.get('caller').companyId, to, from, channel] : [c.get('caller').companyId, to, from],
    );
    return c.json(
      {
        items: res.rows.map((r) => ({
          id: r.id,
          code: r.code,
          name: r.name,
          channel: r.primary_channel as (typeof ALL_CAMPAIGN_CHANNELS)[number],
          status: r.status as (typeof CAMPAIGN_STATES)[number],
          startAt: new Date(r.start_at).toISOString(),
          endAt: new Date(r.end_at).toISOString(),
        })),
      },
      200,
    );
  });
}
