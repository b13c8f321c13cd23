/**
 * Outbound event webhooks (seed 001 §8), admin only: subscribe an HTTPS endpoint to events, see
 * every delivery with its attempts, retry one, send a test event, rotate the signing secret.
 * Deliveries are queued by triggers on the fact tables (migrations/…_outbound_webhooks.ts) and
 * posted by one dispatcher workflow per subscription (workflows/webhooks.ts).
 */
import { randomBytes } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { checkEndpoint, WEBHOOK_EVENTS } from '../../domain/webhook-events.ts';
import { sqlOf } from '../../db/sql.ts';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, PageQuery, pageOf, router, secured, z } from '../openapi.ts';
import { wakeSignal, webhookDispatcherWorkflowId, type WebhookDispatcherInput } from '../../workflows/webhook-messages.ts';
import type { webhookDispatcherWorkflow } from '../../workflows/webhooks.ts';
import type { AppDeps } from '../deps.ts';
import type { ApiEnv } from '../context.ts';
import type { Context } from 'hono';

const Subscription = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    active: z.boolean(),
    pending: z.number().int().openapi({ description: 'Deliveries waiting for their first or next attempt' }),
    failed: z.number().int().openapi({ description: 'Deliveries given up after every retry' }),
    lastDeliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('WebhookSubscription');

const WithSecret = Subscription.extend({ secret: z.string().openapi({ description: 'Signs each delivery (X-Herald-Signature: v1=HMAC-SHA256 of "<X-Herald-Timestamp>.<body>"). Shown only now.' }) }).openapi('WebhookSubscriptionWithSecret');

const SubscriptionCreate = z
  .strictObject({
    url: z.string().max(2000),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
    description: z.string().max(200).optional(),
  })
  .openapi('WebhookSubscriptionCreate');

const SubscriptionPatch = z
  .strictObject({ url: z.string().max(2000), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length), description: z.string().max(200).nullable(), active: z.boolean() })
  .partial()
  .openapi('WebhookSubscriptionPatch');

const Attempt = z.object({ attempt: z.number().int(), at: z.string(), status: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() });
const Delivery = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    eventCount: z.number().int(),
    eventTypes: z.array(z.string()),
    attempts: z.array(Attempt),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery');
const DeliveryParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  deliveryId: z.string().regex(/^\d{1,18}$/, 'a delivery id').openapi({ param: { name: 'deliveryId', in: 'path' } }),
});

interface SubRow {
  id: string;
  url: string;
  description: string | null;
  events: (typeof WEBHOOK_EVENTS)[number][];
  active: boolean;
  pending: string;
  failed: string;
  last_delivered_at: Date | null;
  created_at: Date;
  total?: string;
}
const SUB_SELECT = `select s.id, s.url, s.description, s.events, s.active, s.created_at,
    (select count(*) from webhook_deliveries d where d.subscription_id = s.id and d.status = 'pending') as pending,
    (select count(*) from webhook_deliveries d where d.subscription_id = s.id and d.status = 'failed') as failed,
    (select max(d.delivered_at) from webhook_deliveries d where d.subscription_id = s.id) as last_delivered_at
  from webhook_subscriptions s`;
const toSub = (r: SubRow) => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events,
  active: r.active,
  pending: Number(r.pending),
  failed: Number(r.failed),
  lastDeliveredAt: r.last_delivered_at ? new Date(r.last_delivered_at).toISOString() : null,
  createdAt: new Date(r.created_at).toISOString(),
});

async function loadSub(em: EntityManager, companyId: string, id: string) {
  const res = await sqlOf(em).raw<{ rows: SubRow[] }>(`${SUB_SELECT} where s.id = ? and s.company_id = ?`, [id, companyId]);
  if (!res.rows[0]) throw new NotFoundError('webhook subscription', id);
  return toSub(res.rows[0]);
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

function endpoint(url: string, allowInsecure: boolean): string {
  const check = checkEndpoint(url, allowInsecure);
  if (!check.ok) throw ValidationError.field('url', check.reason, 'invalid_endpoint');
  return check.url.href;
}

/** Starts the subscription's dispatcher if it is not running, and wakes it either way. */
async function wake(client: Client, taskQueue: string, input: WebhookDispatcherInput): Promise<void> {
  await client.workflow.signalWithStart<typeof webhookDispatcherWorkflow, []>('webhookDispatcherWorkflow', {
    workflowId: webhookDispatcherWorkflowId(input.subscriptionId),
    taskQueue,
    args: [input],
    signal: wakeSignal,
    signalArgs: [],
  });
}

export function webhookSubscriptionRoutes(deps: AppDeps) {
  const allowInsecure = deps.config.webhookAllowInsecure;
  const dispatch = (companyId: string, subscriptionId: string) => wake(deps.temporal.client, deps.config.TEMPORAL_TASK_QUEUE, { companyId, subscriptionId });
  const tags = ['Webhooks'];

  const list = createRoute({ method: 'get', path: '/', tags, summary: 'Webhook subscriptions of my company', ...secured('admin'), request: { query: z.object(PageQuery) }, responses: { 200: json(pageOf(Subscription, 'WebhookSubscriptionPage'), 'Subscriptions'), ...errors() } });
  const create = createRoute({ method: 'post', path: '/', tags, summary: 'Subscribe an HTTPS endpoint to events (the signing secret is shown once)', ...secured('admin'), request: { body: body(SubscriptionCreate) }, responses: { 201: json(WithSecret, 'Subscribed'), ...errors() } });
  const get = createRoute({ method: 'get', path: '/{id}', tags, summary: 'One subscription', ...secured('admin'), request: { params: IdParam }, responses: { 200: json(Subscription, 'Subscription'), ...errors(404) } });
  const patch = createRoute({ method: 'patch', path: '/{id}', tags, summary: 'Change URL, events or description; switch off or on', ...secured('admin'), request: { params: IdParam, body: body(SubscriptionPatch) }, responses: { 200: json(Subscription, 'Saved'), ...errors(404) } });
  const remove = createRoute({ method: 'delete', path: '/{id}', tags, summary: 'Delete a subscription and its delivery log', ...secured('admin'), request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errors(404) } });
  const rotate = createRoute({ method: 'post', path: '/{id}/rotate-secret', tags, summary: 'Replace the signing secret (shown once)', ...secured('admin'), request: { params: IdParam }, responses: { 200: json(WithSecret, 'New secret'), ...errors(404) } });
  const test = createRoute({ method: 'post', path: '/{id}/test', tags, summary: 'Queue a `webhook.test` event for the endpoint now', ...secured('admin'), request: { params: IdParam }, responses: { 202: json(z.object({ deliveryId: z.string() }), 'Queued'), ...errors(404, 409) } });
  const deliveries = createRoute({
    method: 'get',
    path: '/{id}/deliveries',
    tags,
    summary: 'Deliveries, newest first, each with its attempts',
    ...secured('admin'),
    request: { params: IdParam, query: z.object({ ...PageQuery, status: z.enum(['pending', 'delivered', 'failed']).optional() }) },
    responses: { 200: json(pageOf(Delivery, 'WebhookDeliveryPage'), 'Deliveries'), ...errors(404) },
  });
  const retry = createRoute({ method: 'post', path: '/{id}/deliveries/{deliveryId}/retry', tags, summary: 'Try a pending or failed delivery once more, now', ...secured('admin'), request: { params: DeliveryParams }, responses: { 202: json(Delivery, 'Queued'), ...errors(404, 409) } });

  const companyOf = (c: Context<ApiEnv>) => c.get('caller').companyId;

  return router()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const res = await sqlOf(c.get('em')).raw<{ rows: SubRow[] }>(
        `${SUB_SELECT.replace('select ', 'select count(*) over () as total, ')} where s.company_id = ? order by s.created_at desc, s.id limit ? offset ?`,
        [companyOf(c), q.pageSize, (q.page - 1) * q.pageSize],
      );
      return c.json({ items: res.rows.map(toSub), page: q.page, pageSize: q.pageSize, total: Number(res.rows[0]?.total ?? 0) }, 200);
    })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const url = endpoint(input.url, allowInsecure);
      const secret = newSecret();
      const companyId = companyOf(c);
      const sub = await c.get('em').transactional(async (tx) => {
        const res = await sqlOf(tx).raw<{ rows: { id: string }[] }>(
          `insert into webhook_subscriptions (company_id, url, description, events, secret, created_by_id) values (?, ?, ?, ?::text[], ?, ?) returning id`,
          [companyId, url, input.description ?? null, [...new Set(input.events)], secret, c.get('caller').userId],
        );
        const id = res.rows[0]!.id;
        await audit(tx, c, { action: 'webhook.subscribed', entityType: 'webhook_subscription', entityId: id, after: { url, events: input.events } });
        return loadSub(tx, companyId, id);
      });
      await dispatch(companyId, sub.id);
      return c.json({ ...sub, secret }, 201);
    })
    .openapi(get, async (c) => c.json(await loadSub(c.get('em'), companyOf(c), c.req.valid('param').id), 200))
    .openapi(patch, async (c) => {
      const { id } = c.req.valid('param');
      const p = c.req.valid('json');
      const url = p.url === undefined ? undefined : endpoint(p.url, allowInsecure);
      const companyId = companyOf(c);
      const after = await c.get('em').transactional(async (tx) => {
        const before = await loadSub(tx, companyId, id);
        await sqlOf(tx).raw(
          `update webhook_subscriptions set url = coalesce(?, url), events = coalesce(?::text[], events),
                  description = case when ? then ? else description end, active = coalesce(?, active), updated_at = now()
            where id = ? and company_id = ?`,
          [url ?? null, p.events ? [...new Set(p.events)] : null, p.description !== undefined, p.description ?? null, p.active ?? null, id, companyId],
        );
        const now = await loadSub(tx, companyId, id);
        await audit(tx, c, { action: 'webhook.updated', entityType: 'webhook_subscription', entityId: id, before: { url: before.url, events: before.events, active: before.active }, after: { url: now.url, events: now.events, active: now.active } });
        return now;
      });
      if (after.active) await dispatch(companyId, id);
      return c.json(after, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const companyId = companyOf(c);
      await c.get('em').transactional(async (tx) => {
        const before = await loadSub(tx, companyId, id);
        await sqlOf(tx).raw(`delete from webhook_subscriptions where id = ? and company_id = ?`, [id, companyId]);
        await audit(tx, c, { action: 'webhook.deleted', entityType: 'webhook_subscription', entityId: id, before: { url: before.url, events: before.events } });
      });
      // The dispatcher finds the subscription gone on its next round and ends.
      return c.body(null, 204);
    })
    .openapi(rotate, async (c) => {
      const { id } = c.req.valid('param');
      const companyId = companyOf(c);
      const secret = newSecret();
      const sub = await c.get('em').transactional(async (tx) => {
        await loadSub(tx, companyId, id);
        await sqlOf(tx).raw(`update webhook_subscriptions set secret = ?, updated_at = now() where id = ? and company_id = ?`, [secret, id, companyId]);
        await audit(tx, c, { action: 'webhook.secret_rotated', entityType: 'webhook_subscription', entityId: id });
        return loadSub(tx, companyId, id);
      });
      return c.json({ ...sub, secret }, 200);
    })
    .openapi(test, async (c) => {
      const { id } = c.req.valid('param');
      const companyId = companyOf(c);
      const sub = await loadSub(c.get('em'), companyId, id);
      if (!sub.active) throw new ConflictError('the subscription is switched off: switch it on to test it', 'subscription_inactive', { field: 'active' });
      const res = await sqlOf(c.get('em')).raw<{ rows: { id: string }[] }>(
        `insert into webhook_deliveries (company_id, subscription_id, event_count, events) values (?, ?, 1, jsonb_build_array(jsonb_build_object('id', 'test_' || gen_random_uuid(), 'type', 'webhook.test', 'occurredAt', now())))
         returning id::text`,
        [companyId, id],
      );
      await dispatch(companyId, id);
      return c.json({ deliveryId: res.rows[0]!.id }, 202);
    })
    .openapi(deliveries, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const companyId = companyOf(c);
      await loadSub(c.get('em'), companyId, id);
      const res = await sqlOf(c.get('em')).raw<{ rows: DeliveryRow[] }>(`${DELIVERY_SELECT} where d.subscription_id = ? and d.company_id = ? ${q.status ? 'and d.status = ?' : ''} order by d.id desc limit ? offset ?`, [
        id,
        companyId,
        ...(q.status ? [q.status] : []),
        q.pageSize,
        (q.page - 1) * q.pageSize,
      ]);
      return c.json({ items: res.rows.map(toDelivery), page: q.page, pageSize: q.pageSize, total: Number(res.rows[0]?.total ?? 0) }, 200);
    })
    .openapi(retry, async (c) => {
      const { id, deliveryId } = c.req.valid('param');
      const companyId = companyOf(c);
      const sub = await loadSub(c.get('em'), companyId, id);
      if (!sub.active) throw new ConflictError('the subscription is switched off: switch it on to retry its deliveries', 'subscription_inactive', { field: 'active' });
      // One more attempt, now: a failed delivery gets exactly one; a pending one is simply brought forward.
      const res = await sqlOf(c.get('em')).raw<{ rows: { id: string }[] }>(
        `update webhook_deliveries set status = 'pending', next_attempt_at = now(), give_up_after = case when status = 'failed' then attempts + 1 else give_up_after end
          where id = ? and subscription_id = ? and company_id = ? and status <> 'delivered' returning id`,
        [deliveryId, id, companyId],
      );
      if (!res.rows[0]) {
        const exists = await sqlOf(c.get('em')).raw<{ rows: unknown[] }>(`select 1 from webhook_deliveries where id = ? and subscription_id = ? and company_id = ?`, [deliveryId, id, companyId]);
        if (!exists.rows[0]) throw new NotFoundError('webhook delivery', deliveryId);
        throw new ConflictError('this delivery was already delivered', 'already_delivered', { field: 'deliveryId' });
      }
      await dispatch(companyId, id);
      const row = await sqlOf(c.get('em')).raw<{ rows: DeliveryRow[] }>(`${DELIVERY_SELECT} where d.id = ?`, [deliveryId]);
      return c.json(toDelivery(row.rows[0]!), 202);
    });
}

interface DeliveryRow {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  event_count: number;
  event_types: string[];
  attempts: { attempt: number; at: string; status: number | null; error: string | null; durationMs: number }[];
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
  total: string;
}
const DELIVERY_SELECT = `select count(*) over () as total, d.id::text, d.status, d.event_count, d.next_attempt_at, d.created_at, d.delivered_at,
    (select coalesce(array_agg(distinct e->>'type'), '{}') from jsonb_array_elements(d.events) e) as event_types,
    coalesce((select json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'status', a.status, 'error', a.error, 'durationMs', a.duration_ms) order by a.attempt, a.id)
                from webhook_attempts a where a.delivery_id = d.id), '[]') as attempts
  from webhook_deliveries d`;
const toDelivery = (r: DeliveryRow) => ({
  id: r.id,
  status: r.status,
  eventCount: r.event_count,
  eventTypes: r.event_types,
  attempts: r.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
  nextAttemptAt: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null,
  createdAt: new Date(r.created_at).toISOString(),
  deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
});
