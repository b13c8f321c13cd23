/**
 * GET /api/campaigns/{id}/recipients: per-recipient status with the reason and provider response —
 * what ops and managers open when "3 % failed". Addresses are masked without `pii:read`.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Knex } from '@mikro-orm/postgresql';
import { RECIPIENT_STATUSES } from '../../db/entities/delivery.ts';
import { sqlOf } from '../../db/sql.ts';
import { containsPattern, iso } from '../query-values.ts';
import { maskAddress, type AddressChannel } from '../../domain/masking.ts';
import { can } from '../../domain/permissions.ts';
import { errors, IdParam, json, PageQuery, pageOf, router, secured, z } from '../openapi.ts';
import { loadCampaign } from './store.ts';

const Recipient = z
  .object({
    id: z.number().int(),
    seq: z.number().int(),
    contactId: z.uuid(),
    contactName: z.string().nullable(),
    channel: z.string(),
    address: z.string().nullable(),
    variant: z.string().nullable(),
    status: z.enum(RECIPIENT_STATUSES),
    reason: z.string().nullable(),
    error: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    attempts: z.number().int(),
    sentAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('Recipient');

const csvStatuses = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(RECIPIENT_STATUSES)))
  .optional()
  .openapi({ description: 'Comma-separated statuses, e.g. failed,bounced', example: 'failed' });

interface Row {
  id: string;
  seq: string;
  contact_id: string;
  contact_name: string | null;
  channel: AddressChannel;
  address: string | null;
  variant: string | null;
  status: (typeof RECIPIENT_STATUSES)[number];
  reason: string | null;
  error: string | null;
  provider_message_id: string | null;
  attempts: number;
  sent_at: Date | null;
  delivered_at: Date | null;
}

export function recipientRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/{id}/recipients',
    tags: ['Campaigns'],
    summary: "A campaign's recipients in send order, filterable by status, with failure reasons and provider responses",
    ...secured('read'),
    request: { params: IdParam, query: z.object({ ...PageQuery, status: csvStatuses, q: z.string().max(200).optional().openapi({ description: 'Address or name contains (needs pii:read for addresses)' }) }) },
    responses: { 200: json(pageOf(Recipient, 'RecipientPage').extend({ counts: z.record(z.string(), z.number()) }), 'Recipients and counts by status'), ...errors(404) },
  });
  return router().openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const caller = c.get('caller');
    const em = c.get('em');
    await loadCampaign(em, caller.companyId, id);
    const pii = can(caller.role, 'pii:read');
    const where = ['r.campaign_id = ?', 'r.company_id = ?'];
    const params: Knex.Value[] = [id, caller.companyId];
    if (q.status?.length) {
      where.push('r.status::text = any(?)');
      params.push(q.status);
    }
    if (q.q) {
      const like = containsPattern(q.q);
      where.push(pii ? `(r.address ilike ? or (k.first_name || ' ' || k.last_name) ilike ?)` : `(k.first_name || ' ' || k.last_name) ilike ?`);
      params.push(...(pii ? [like, like] : [like]));
    }
    const sql = sqlOf(em);
    const [rows, total, counts] = await Promise.all([
      sql.raw<{ rows: Row[] }>(
        `select r.id, r.seq, r.contact_id, nullif(trim(coalesce(k.first_name, '') || ' ' || coalesce(k.last_name, '')), '') as contact_name, r.channel, r.address, r.variant,
                r.status, r.reason, r.error, r.provider_message_id, r.attempts, r.sent_at, r.delivered_at
           from campaign_recipients r left join contacts k on k.id = r.contact_id
          where ${where.join(' and ')} order by r.seq limit ? offset ?`,
        [...params, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      sql.raw<{ rows: { n: string }[] }>(`select count(*) as n from campaign_recipients r left join contacts k on k.id = r.contact_id where ${where.join(' and ')}`, params),
      sql.raw<{ rows: { status: string; n: string }[] }>(`select status, count(*) as n from campaign_recipients where campaign_id = ? and company_id = ? group by status`, [id, caller.companyId]),
    ]);
    return c.json(
      {
        items: rows.rows.map((r) => ({
          id: Number(r.id),
          seq: Number(r.seq),
          contactId: r.contact_id,
          contactName: r.contact_name,
          channel: r.channel,
          address: r.address === null ? null : pii ? r.address : maskAddress(r.channel, r.address),
          variant: r.variant,
          status: r.status,
          reason: r.reason,
          error: r.error,
          providerMessageId: r.provider_message_id,
          attempts: r.attempts,
          sentAt: iso(r.sent_at),
          deliveredAt: iso(r.delivered_at),
        })),
        page: q.page,
        pageSize: q.pageSize,
        total: Number(total.rows[0]!.n),
        counts: Object.fromEntries(counts.rows.map((r) => [r.status, Number(r.n)])),
      },
      200,
    );
  });
}
