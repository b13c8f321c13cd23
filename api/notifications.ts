/** /api/notifications: the caller's own notifications (seed 002), unread count, mark read. */
import { createRoute } from '@hono/zod-openapi';
import { NotFoundError } from '../domain/errors.ts';
import { sqlOf } from '../db/sql.ts';
import { errors, IdParam, json, PageQuery, pageOf, router, secured, z } from './openapi.ts';

const Notification = z
  .object({ id: z.uuid(), kind: z.string(), payload: z.record(z.string(), z.unknown()), readAt: z.string().nullable(), createdAt: z.string() })
  .openapi('Notification');

interface Row {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  read_at: Date | null;
  created_at: Date;
  total: string;
}
const toDto = (r: Row) => ({ id: r.id, kind: r.kind, payload: r.payload, readAt: r.read_at ? new Date(r.read_at).toISOString() : null, createdAt: new Date(r.created_at).toISOString() });

export function notificationRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/',
    tags: ['Notifications'],
    summary: 'My notifications, newest first',
    ...secured('signed_in'),
    request: { query: z.object({ ...PageQuery, unread: z.enum(['true', 'false']).optional() }) },
    responses: { 200: json(pageOf(Notification, 'NotificationPage'), 'Notifications'), ...errors() },
  });
  const unread = createRoute({
    method: 'get',
    path: '/unread-count',
    tags: ['Notifications'],
    summary: 'How many of my notifications are unread (the bell)',
    ...secured('signed_in'),
    responses: { 200: json(z.object({ unread: z.number().int() }), 'Unread count'), ...errors() },
  });
  const markRead = createRoute({
    method: 'post',
    path: '/{id}/read',
    tags: ['Notifications'],
    summary: 'Mark one notification read',
    ...secured('signed_in'),
    request: { params: IdParam },
    responses: { 200: json(Notification, 'Marked read'), ...errors(404) },
  });
  const markAll = createRoute({
    method: 'post',
    path: '/read-all',
    tags: ['Notifications'],
    summary: 'Mark all my notifications read',
    ...secured('signed_in'),
    responses: { 200: json(z.object({ marked: z.number().int() }), 'How many were marked'), ...errors() },
  });
  return router()
    .openapi(list, async (c) => {
      const { page, pageSize, unread: onlyUnread } = c.req.valid('query');
      const caller = c.get('caller');
      const res = await sqlOf(c.get('em')).raw<{ rows: Row[] }>(
        `select id, kind, payload, read_at, created_at, count(*) over () as total from notifications
          where company_id = ? and user_id = ? ${onlyUnread === 'true' ? 'and read_at is null' : ''}
          order by created_at desc, id limit ? offset ?`,
        [caller.companyId, caller.userId, pageSize, (page - 1) * pageSize],
      );
      return c.json({ items: res.rows.map(toDto), page, pageSize, total: Number(res.rows[0]?.total ?? 0) }, 200);
    })
    .openapi(unread, async (c) => {
      const caller = c.get('caller');
      const res = await sqlOf(c.get('em')).raw<{ rows: { n: string }[] }>(`select count(*) as n from notifications where company_id = ? and user_id = ? and read_at is null`, [
        caller.companyId,
        caller.userId,
      ]);
      return c.json({ unread: Number(res.rows[0]!.n) }, 200);
    })
    .openapi(markRead, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const res = await sqlOf(c.get('em')).raw<{ rows: (Row & { total: string })[] }>(
        `update notifications set read_at = coalesce(read_at, now()) where id = ? and company_id = ? and user_id = ? returning id, kind, payload, read_at, created_at, 1 as total`,
        [id, caller.companyId, caller.userId],
      );
      if (!res.rows[0]) throw new NotFoundError('notification', id);
      return c.json(toDto(res.rows[0]), 200);
    })
    .openapi(markAll, async (c) => {
      const caller = c.get('caller');
      const res = await sqlOf(c.get('em')).raw<{ rowCount: number }>(`update notifications set read_at = now() where company_id = ? and user_id = ? and read_at is null`, [
        caller.companyId,
        caller.userId,
      ]);
      return c.json({ marked: res.rowCount }, 200);
    });
}
