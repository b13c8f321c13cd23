/** GET /api/audit: the audit trail, filtered by entity, actor, action and time. */
import { createRoute } from '@hono/zod-openapi';
import type { Knex } from '@mikro-orm/postgresql';
import { sqlOf } from '../db/sql.ts';
import { escapeLike } from '../domain/segment-sql.ts';
import { errors, InstantQuery, json, PageQuery, pageOf, router, secured, z } from './openapi.ts';

const Entry = z
  .object({
    id: z.number().int(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    actor: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('AuditEntry');

export function auditRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/',
    tags: ['Audit'],
    summary: 'Who changed what, newest first',
    ...secured('read'),
    request: {
      query: z.object({
        ...PageQuery,
        entityType: z.string().max(64).optional(),
        entityId: z.string().max(64).optional(),
        actor: z.uuid().optional(),
        action: z.string().max(64).optional().openapi({ description: 'Exact action, or a prefix ending in * (campaign.*)' }),
        from: InstantQuery.optional(),
        to: InstantQuery.optional(),
      }),
    },
    responses: { 200: json(pageOf(Entry, 'AuditPage'), 'Audit entries'), ...errors() },
  });
  return router().openapi(list, async (c) => {
    const q = c.req.valid('query');
    const where = ['a.company_id = ?'];
    const params: Knex.Value[] = [c.get('caller').companyId];
    const add = (sql: string, v: Knex.Value | undefined) => {
      if (v === undefined) return;
      where.push(sql);
      params.push(v);
    };
    add('a.entity_type = ?', q.entityType);
    add('a.entity_id = ?', q.entityId);
    add('a.actor_id = ?', q.actor);
    if (q.action?.endsWith('*')) add('a.action like ?', `${escapeLike(q.action.slice(0, -1))}%`);
    else add('a.action = ?', q.action);
    add('a.created_at >= ?', q.from);
    add('a.created_at < ?', q.to);
    const res = await sqlOf(c.get('em')).raw<{
      rows: { id: string; action: string; entity_type: string; entity_id: string; actor_id: string | null; actor_name: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null; request_id: string | null; ip: string | null; created_at: Date; total: string }[];
    }>(
      `select a.id, a.action, a.entity_type, a.entity_id, a.actor_id, u.name as actor_name, a.before, a.after, a.request_id, a.ip, a.created_at, count(*) over () as total
         from audit_log a left join users u on u.id = a.actor_id where ${where.join(' and ')} order by a.created_at desc, a.id desc limit ? offset ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    return c.json(
      {
        items: res.rows.map((r) => ({
          id: Number(r.id),
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? '' } : null,
          before: r.before,
          after: r.after,
          requestId: r.request_id,
          ip: r.ip,
          createdAt: new Date(r.created_at).toISOString(),
        })),
        page: q.page,
        pageSize: q.pageSize,
        total: Number(res.rows[0]?.total ?? 0),
      },
      200,
    );
  });
}
