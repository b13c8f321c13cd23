/**
 * POST /api/orders (one) and /api/orders/batch (up to 1 000, one INSERT): e-commerce orders (seed
 * 004's ecommerce_orders), attributed like conversions. Idempotent on the external id; a repeat may
 * move the order's status on (pending → completed → refunded or cancelled), nothing else.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ORDER_STATUSES } from '../../db/entities/revenue.ts';
import { parseInstant } from '../../domain/dates.ts';
import { sqlOf } from '../../db/sql.ts';
import type { ApiEnv } from '../context.ts';
import { body, errors, json, router, z } from '../openapi.ts';
import { iso } from '../query-values.ts';
import { AttributionFields } from './attribute.ts';
import { BATCH_MAX } from './conversions.ts';
import { Amount, duplicateIssues, InstantField, Outcome, recordFacts, sameInstant, attributedColumns, type AttributedRow, type FactKind } from './facts.ts';
import { keyOrSecured } from './machine-auth.ts';

const OrderInput = z
  .strictObject({
    externalId: z.string().trim().min(1).max(128).openapi({ description: "The shop's order id: a repeated report stores once" }),
    value: Amount,
    currency: z.string().optional().openapi({ description: "ISO 4217; the attributed campaign's currency when omitted, else the company's" }),
    productCount: z.number().int().min(1).max(1_000_000).optional(),
    productCategory: z.string().trim().min(1).max(100).optional(),
    status: z.enum(ORDER_STATUSES).optional().openapi({ description: "'completed' when omitted" }),
    orderedAt: InstantField.optional().openapi({ description: 'When it was placed; now when omitted' }),
    ...AttributionFields,
  })
  .openapi('OrderInput');
type OrderInput = z.infer<typeof OrderInput>;

const OrderDto = z
  .object({
    id: z.uuid(),
    externalId: z.string(),
    value: z.string(),
    currency: z.string(),
    productCount: z.number().int(),
    productCategory: z.string().nullable(),
    status: z.enum(ORDER_STATUSES),
    orderedAt: z.string(),
    attributed: z.boolean(),
    attributedToMessage: z.boolean(),
    campaignId: z.uuid().nullable(),
    channel: z.string().nullable(),
    variant: z.string().nullable(),
    recipientId: z.number().int().nullable(),
    contactId: z.uuid().nullable(),
    region: z.string().nullable(),
    outcome: Outcome,
  })
  .openapi('Order');
type OrderDto = z.infer<typeof OrderDto>;

interface Row {
  id: string;
  external_id: string;
  order_value: string;
  currency: string;
  product_count: number;
  product_category: string | null;
  status: (typeof ORDER_STATUSES)[number];
  ordered_at: Date;
  attributed_to_message: boolean;
  campaign_id: string | null;
  channel: string | null;
  variant: string | null;
  recipient_id: string | null;
  contact_id: string | null;
  region: string | null;
}

const COLUMNS = `id, external_id, order_value::text as order_value, currency, product_count, product_category, status, ordered_at, attributed_to_message,
  campaign_id, channel, variant, recipient_id, contact_id, region`;

const toDto = (r: Row, outcome: OrderDto['outcome']): OrderDto => ({
  id: r.id,
  externalId: r.external_id,
  value: r.order_value,
  currency: r.currency,
  productCount: r.product_count,
  productCategory: r.product_category,
  status: r.status,
  orderedAt: iso(r.ordered_at)!,
  attributed: r.campaign_id !== null,
  attributedToMessage: r.attributed_to_message,
  campaignId: r.campaign_id,
  channel: r.channel,
  variant: r.variant,
  recipientId: r.recipient_id === null ? null : Number(r.recipient_id),
  contactId: r.contact_id,
  region: r.region,
  outcome,
});

async function rowsOf(em: EntityManager, companyId: string, ids: string[]): Promise<Map<string, Row>> {
  const res = await sqlOf(em).raw<{ rows: Row[] }>(`select ${COLUMNS} from orders where company_id = ? and external_id = any(?::text[])`, [companyId, ids]);
  return new Map(res.rows.map((r) => [r.external_id, r]));
}

const ORDERS: FactKind<OrderInput, OrderRow, Row, { external_id: string; status: string }, OrderDto> = {
  kind: 'order',
  insertSql: `insert into orders (company_id, campaign_id, contact_id, recipient_id, channel, variant, region, external_id, order_value, currency, product_count, product_category,
                         status, attributed_to_message, ordered_at)
     select ?, x.campaign_id, x.contact_id, x.recipient_id, x.channel, x.variant, x.region, x.external_id, x.order_value, x.currency, x.product_count, x.product_category,
            x.status, x.attributed_to_message, x.ordered_at
       from jsonb_to_recordset(?::jsonb) as x(campaign_id uuid, contact_id uuid, recipient_id bigint, channel text, variant text, region text, external_id text,
                                             order_value numeric, currency text, product_count int, product_category text, status text, attributed_to_message boolean,
                                             ordered_at timestamptz)
     on conflict (company_id, external_id) do nothing
     returning external_id`,
  valueOf: (x) => x.value,
  toRow: (x, a, money, company, now) => ({
    external_id: x.externalId,
    order_value: money?.value ?? '0',
    currency: money?.currency ?? company.currency,
    product_count: x.productCount ?? 1,
    product_category: x.productCategory ?? null,
    status: x.status ?? 'completed',
    ordered_at: (x.orderedAt ? parseInstant(x.orderedAt)! : now).toISOString(),
    attributed_to_message: a.recipientId !== null,
    ...attributedColumns(a),
  }),
  load: rowsOf,
  compare: (x, row, s, differ) => {
    if (Number(s.order_value) !== Number(row.order_value)) differ('value', s.order_value);
    if (x.currency !== undefined && s.currency !== row.currency) differ('currency', s.currency);
    if (x.productCount !== undefined && s.product_count !== row.product_count) differ('productCount', s.product_count);
    if (x.productCategory !== undefined && s.product_category !== row.product_category) differ('productCategory', s.product_category);
    if (x.orderedAt !== undefined && !sameInstant(s.ordered_at, row.ordered_at)) differ('orderedAt', iso(s.ordered_at));
    return x.status !== undefined && x.status !== s.status ? { external_id: x.externalId, status: x.status } : undefined;
  },
  applyMoves: async (em, companyId, moves) => {
    await sqlOf(em).raw(
      `update orders o set status = x.status from jsonb_to_recordset(?::jsonb) as x(external_id text, status text) where o.company_id = ? and o.external_id = x.external_id`,
      [JSON.stringify(moves), companyId],
    );
  },
  toDto,
};

/** The row written for an order. */
interface OrderRow extends AttributedRow {
  order_value: string;
  currency: string;
  product_count: number;
  product_category: string | null;
  status: string;
  ordered_at: string;
  attributed_to_message: boolean;
}

export async function recordOrders(c: Context<ApiEnv>, items: OrderInput[], at: (i: number) => string): Promise<OrderDto[]> {
  return recordFacts(c, ORDERS, items, at, duplicateIssues(items.map((x) => x.externalId), at));
}

export function orderRoutes() {
  const one = createRoute({
    method: 'post',
    path: '/orders',
    tags: ['Attribution'],
    summary: 'Report an order (API key with orders:write, or a user who may record revenue)',
    ...keyOrSecured('revenue:write', 'orders:write'),
    request: { body: body(OrderInput) },
    responses: { 201: json(OrderDto, 'Stored'), 200: json(OrderDto, 'Already stored (or its status moved on)'), ...errors(409, 429) },
  });
  const batch = createRoute({
    method: 'post',
    path: '/orders/batch',
    tags: ['Attribution'],
    summary: `Report up to ${BATCH_MAX} orders in one request: all are stored, or none`,
    ...keyOrSecured('revenue:write', 'orders:write'),
    request: { body: body(z.strictObject({ items: z.array(OrderInput).min(1).max(BATCH_MAX) }).openapi('OrderBatch')) },
    responses: { 200: json(z.object({ items: z.array(OrderDto) }).openapi('OrderBatchResult'), 'Each item with its outcome'), ...errors(409, 429) },
  });
  return router()
    .openapi(one, async (c) => {
      const [dto] = await recordOrders(c, [c.req.valid('json')], () => '');
      return c.json(dto!, dto!.outcome === 'created' ? 201 : 200);
    })
    .openapi(batch, async (c) => c.json({ items: await recordOrders(c, c.req.valid('json').items, (i) => `items.${i}.`) }, 200));
}
