/**
 * /api/suppressions: the address-level do-not-contact list the send path checks. Addresses are
 * stored normalised (e-mail lower-cased, phone numbers in E.164), as the send path compares them,
 * and shown masked to roles without pii:read.
 */
import { createRoute } from '@hono/zod-openapi';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured } from '../openapi.ts';
import type { z } from '../openapi-zod.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { maskAddress } from '../../domain/masking.ts';
import { can } from '../../domain/permissions.ts';
import { sqlOf } from '../../db/sql.ts';
import { containsPattern, iso } from '../segments/query.ts';
import { MESSAGES, normalizeEmail, normalizePhone } from './fields.ts';
import { Suppression, SuppressionCreate, SuppressionListQuery, SuppressionPage, type SuppressionDto } from './schemas.ts';

const tags = ['Contacts'];

interface Row {
  id: string;
  channel: SuppressionDto['channel'];
  address: string;
  reason: SuppressionDto['reason'];
  source: string;
  created_at: Date;
}

const toDto = (r: Row, canSeePii: boolean): SuppressionDto => ({
  id: r.id,
  channel: r.channel,
  address: canSeePii ? r.address : maskAddress(r.channel, r.address),
  reason: r.reason,
  source: r.source,
  createdAt: iso(r.created_at)!,
});

export function normalizeAddress(channel: SuppressionDto['channel'], address: string): string {
  if (channel === 'email') {
    const email = normalizeEmail(address);
    if (email === null) throw ValidationError.field('address', MESSAGES.email);
    return email;
  }
  if (channel === 'sms' || channel === 'whatsapp') {
    const phone = normalizePhone(address);
    if (phone === null) throw ValidationError.field('address', MESSAGES.phone);
    return phone;
  }
  return address.trim();
}

async function list(em: EntityManager, companyId: string, q: z.infer<typeof SuppressionListQuery>, canSeePii: boolean) {
  const where = ['s.company_id = ?'];
  const params: Knex.Value[] = [companyId];
  if (q.channel) {
    where.push('s.channel = ?');
    params.push(q.channel);
  }
  if (q.reason) {
    where.push('s.reason = ?');
    params.push(q.reason);
  }
  if (q.q) {
    // Searching addresses one cannot see would reveal them a letter at a time.
    if (!canSeePii) throw new ForbiddenError('searching addresses needs the "pii:read" permission', 'forbidden', { permission: 'pii:read' });
    where.push('s.address ilike ?');
    params.push(containsPattern(q.q));
  }
  const sql = sqlOf(em);
  const whereSql = where.join(' and ');
  const [rows, total] = await Promise.all([
    sql.raw<{ rows: Row[] }>(`select s.id, s.channel, s.address, s.reason, s.source, s.created_at from suppressions s where ${whereSql} order by s.created_at desc, s.id limit ? offset ?`, [
      ...params,
      q.pageSize,
      (q.page - 1) * q.pageSize,
    ]),
    sql.raw<{ rows: { n: string }[] }>(`select count(*) as n from suppressions s where ${whereSql}`, params),
  ]);
  return { items: rows.rows.map((r) => toDto(r, canSeePii)), page: q.page, pageSize: q.pageSize, total: Number(total.rows[0]!.n) };
}

export function suppressionRoutes() {
  const listRoute = createRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'The suppression list: paginated, by channel and reason',
    ...secured('read'),
    request: { query: SuppressionListQuery },
    responses: { 200: json(SuppressionPage, 'A page of suppressed addresses'), ...errors() },
  });
  const create = createRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Suppress an address on a channel (an address already suppressed answers 200 with its entry)',
    ...secured('create'),
    request: { body: body(SuppressionCreate) },
    responses: { 201: json(Suppression, 'Suppressed'), 200: json(Suppression, 'Already suppressed'), ...errors() },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Lift a suppression',
    ...secured('delete'),
    request: { params: IdParam },
    responses: { 204: { description: 'Lifted' }, ...errors(404) },
  });

  return router()
    .openapi(listRoute, async (c) => {
      const caller = c.get('caller');
      return c.json(await list(c.get('em'), caller.companyId, c.req.valid('query'), can(caller.role, 'pii:read')), 200);
    })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const address = normalizeAddress(input.channel, input.address);
      const canSeePii = can(caller.role, 'pii:read');
      const result = await c.get('em').transactional(async (tx) => {
        const sql = sqlOf(tx);
        const inserted = await sql.raw<{ rows: Row[] }>(
          `insert into suppressions (company_id, channel, address, reason, source) values (?, ?, ?, ?, ?)
           on conflict (company_id, channel, address) do nothing returning id, channel, address, reason, source, created_at`,
          [caller.companyId, input.channel, address, input.reason, input.source],
        );
        const row = inserted.rows[0];
        if (row) {
          await audit(tx, c, { action: 'suppression.created', entityType: 'suppression', entityId: row.id, after: { channel: row.channel, address, reason: row.reason, source: row.source } });
          return { row, created: true };
        }
        const existing = await sql.raw<{ rows: Row[] }>(
          `select id, channel, address, reason, source, created_at from suppressions where company_id = ? and channel = ? and address = ?`,
          [caller.companyId, input.channel, address],
        );
        return { row: existing.rows[0]!, created: false };
      });
      const dto = toDto(result.row, canSeePii);
      return result.created ? c.json(dto, 201) : c.json(dto, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      await c.get('em').transactional(async (tx) => {
        const res = await sqlOf(tx).raw<{ rows: Row[] }>(`delete from suppressions where id = ? and company_id = ? returning id, channel, address, reason, source, created_at`, [
          id,
          caller.companyId,
        ]);
        const row = res.rows[0];
        if (!row) throw new NotFoundError('suppression', id);
        await audit(tx, c, { action: 'suppression.deleted', entityType: 'suppression', entityId: id, before: { channel: row.channel, address: row.address, reason: row.reason, source: row.source } });
      });
      return c.body(null, 204);
    });
}
