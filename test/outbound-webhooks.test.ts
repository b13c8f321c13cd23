/**
 * Outbound event webhooks on the real stack: a company subscribes a local HTTP receiver; opens,
 * clicks, sends, unsubscribes and conversions made through the real code paths arrive there signed,
 * once each; a failing endpoint is retried with backoff and every attempt is visible through the
 * API; a delivery given up can be retried by hand; other companies see none of it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { verifyWebhookSignature } from '../channels/webhook-signature.ts';
import { createChannels } from '../channels/index.ts';
import { hashPassword } from '../domain/password.ts';
import { MAX_DELIVERY_ATTEMPTS } from '../domain/webhook-events.ts';
import { webhookDispatcherWorkflowId } from '../workflows/webhook-messages.ts';
import { createTestDeps, testConfig, type TestDeps } from './setup/harness.ts';
import { startTestWorker, type TestWorker } from './setup/worker.ts';
import { sentCampaign, type SentCampaign } from './tracking-fixture.ts';
import { as, createApiCompany, PASSWORD, signIn, type ApiCompany } from './fixtures/api-world.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { deliveryId: string; subscriptionId: string; events: { id: string; type: string; [k: string]: unknown }[] };
}

/** A webhook receiver: records each request and answers `failNext` of them with 500 first. */
function receiver() {
  const got: Received[] = [];
  const state = { failNext: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (state.failNext > 0) {
        state.failNext--;
        res.writeHead(500).end('boom');
        return;
      }
      got.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  return {
    got,
    state,
    events: () => got.flatMap((r) => r.json.events),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let worker: TestWorker;
let channels: ReturnType<typeof createChannels>;
let sent: SentCampaign;
let admin: string;
let rival: ApiCompany;
let rivalAdmin: string;
const hook = receiver();
let hookUrl: string;
const q = async <T>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;

beforeAll(async () => {
  t = await createTestDeps();
  channels = createChannels(testConfig());
  worker = await startTestWorker(t.db.orm, channels);
  t.deps.config = { ...t.deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue };
  app = createApp(t.deps);
  sent = await sentCampaign(t.db.orm, t.deps.config, 'hooks', { contacts: 6 });
  await q(`insert into users (company_id, email, name, password_hash, role) values (?, 'admin@hooks.example', 'Admin', ?, 'admin')`, [sent.companyId, await hashPassword(PASSWORD)]);
  admin = (await signIn(app, 'admin@hooks.example')).token;
  rival = await createApiCompany(t.deps.orm, 'hooks-rival');
  rivalAdmin = (await signIn(app, rival.users.admin.email)).token;
  hookUrl = await hook.listen();
});
afterAll(async () => {
  await worker?.close();
  await channels?.closeAll();
  await hook.close();
  await t?.close();
});

describe('outbound event webhooks', () => {
  let sub: { id: string; secret: string };

  it('refuses an endpoint it must not call, naming the field', async () => {
    const strict = createApp({ ...t.deps, config: { ...t.deps.config, webhookAllowInsecure: false } });
    const http = await as(strict, admin).post('/api/webhook-subscriptions', { url: hookUrl, events: ['message.opened'] });
    expect(http.status).toBe(422);
    expect(http.body.error.details.issues).toEqual([{ field: 'url', message: 'must use https' }]);
    const internal = await as(strict, admin).post('/api/webhook-subscriptions', { url: 'https://169.254.169.254/latest', events: ['message.opened'] });
    expect(internal.status).toBe(422);
    expect(internal.body.error.details.issues[0].field).toBe('url');
    const unknownEvent = await as(app, admin).post('/api/webhook-subscriptions', { url: hookUrl, events: ['message.teleported'] });
    expect(unknownEvent.status).toBe(422);
    expect(JSON.stringify(unknownEvent.body.error)).toContain('events');
    expect(await q('select 1 from webhook_subscriptions')).toEqual([]);
  });

  it('subscribes an endpoint (secret shown once, never again) and is admin-only', async () => {
    const res = await as(app, admin).post('/api/webhook-subscriptions', {
      url: hookUrl,
      events: ['message.sent', 'message.opened', 'message.clicked', 'contact.unsubscribed', 'conversion.created'],
      description: 'CRM sync',
    });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(res.body).toMatchObject({ url: hookUrl, active: true, pending: 0, failed: 0, description: 'CRM sync' });
    sub = { id: res.body.id, secret: res.body.secret };
    const read = await as(app, admin).get(`/api/webhook-subscriptions/${sub.id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(sub.secret);
    const manager = (await signIn(app, rival.users.manager.email)).token;
    expect((await as(app, manager).get('/api/webhook-subscriptions')).status).toBe(403);
    expect((await as(app, rivalAdmin).get(`/api/webhook-subscriptions/${sub.id}`)).status).toBe(404);
    const audit = await q<{ action: string }>(`select action from audit_log where entity_id = ?`, [sub.id]);
    expect(audit.map((a) => a.action)).toEqual(['webhook.subscribed']);
  });

  it('delivers opens, clicks, sends, unsubscribes and conversions from the real code paths, signed, once each', async () => {
    const [r0, r1, r2, r3] = sent.recipients;
    const get = (path: string) => app.request(path, { headers: { 'user-agent': BROWSER } });
    expect((await get(sent.openPath(r0!.id))).status).toBe(200);
    expect((await get(sent.clickPath(r1!.id, 0))).status).toBe(302);
    const unsub = await app.request(sent.unsubscribePath(r2!.id), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(unsub.status).toBe(200);
    // A send recorded by the send path's bulk update: sent_at goes from null to a time.
    await q(`update campaign_recipients set sent_at = null, status = 'pending' where id = ?`, [r3!.id]);
    await q(`update campaign_recipients set sent_at = now(), status = 'sent' where id = ?`, [r3!.id]);
    await q(
      `insert into conversions (company_id, campaign_id, contact_id, recipient_id, channel, type, value, currency, external_id, source, occurred_at)
       values (?, ?, ?, ?, 'email', 'sale', 249.90, 'USD', 'deal-77', 'crm', now())`,
      [sent.companyId, sent.campaignId, r1!.contactId, r1!.id],
    );
    // The bounce of another message: not subscribed, so it must not arrive.
    await q(`insert into message_events (company_id, campaign_id, recipient_id, channel, type, idempotency_key, source, occurred_at) values (?, ?, ?, 'email', 'bounced_hard', 'b-1', 'test', now())`, [
      sent.companyId,
      sent.campaignId,
      sent.recipients[4]!.id,
    ]);

    await expect.poll(() => hook.events().map((e) => e.type).sort(), { timeout: 20_000, interval: 200 }).toEqual(
      ['contact.unsubscribed', 'conversion.created', 'message.clicked', 'message.opened', 'message.sent'],
    );
    const events = hook.events();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.find((e) => e.type === 'message.opened')).toMatchObject({ recipientId: r0!.id, campaignId: sent.campaignId, channel: 'email', automated: false, repeat: false });
    expect(events.find((e) => e.type === 'message.clicked')).toMatchObject({ recipientId: r1!.id, url: expect.stringContaining('https://shop.example/spring') });
    expect(events.find((e) => e.type === 'message.sent')).toMatchObject({ recipientId: r3!.id, contactId: r3!.contactId });
    expect(events.find((e) => e.type === 'conversion.created')).toMatchObject({ value: '249.9000', currency: 'USD', externalId: 'deal-77', recipientId: r1!.id });
    for (const r of hook.got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.json.subscriptionId).toBe(sub.id);
      expect(r.headers['x-herald-delivery']).toBe(r.json.deliveryId);
      const verdict = verifyWebhookSignature(sub.secret, { timestamp: r.headers['x-herald-timestamp'] as string, signature: r.headers['x-herald-signature'] as string, body: r.body });
      expect(verdict).toEqual({ ok: true });
      expect(verifyWebhookSignature('whsec_someone-else-secret', { timestamp: r.headers['x-herald-timestamp'] as string, signature: r.headers['x-herald-signature'] as string, body: r.body }).ok).toBe(false);
    }
    const list = await as(app, admin).get(`/api/webhook-subscriptions/${sub.id}/deliveries?status=delivered`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(hook.got.length);
    expect(list.body.items.every((d: { attempts: { status: number }[] }) => d.attempts.length === 1 && d.attempts[0]!.status === 204)).toBe(true);
    // The rival company's subscription list and deliveries hold none of it.
    const theirs = await as(app, rivalAdmin).get('/api/webhook-subscriptions');
    expect(theirs.body.total).toBe(0);
  });

  it('retries a failing endpoint with backoff, and shows every attempt', async () => {
    hook.state.failNext = 1;
    const before = hook.got.length;
    const test = await as(app, admin).post(`/api/webhook-subscriptions/${sub.id}/test`);
    expect(test.status).toBe(202);
    const id = test.body.deliveryId as string;
    const delivery = async () => (await as(app, admin).get(`/api/webhook-subscriptions/${sub.id}/deliveries`)).body.items.find((d: { id: string }) => d.id === id);
    await expect.poll(async () => (await delivery())?.attempts.length, { timeout: 15_000, interval: 200 }).toBe(1);
    const failed = await delivery();
    expect(failed).toMatchObject({ status: 'pending', attempts: [{ attempt: 1, status: 500, error: 'HTTP 500' }] });
    // The next attempt waits about 10 s (8–12 s with jitter), not a busy loop.
    const wait = new Date(failed.nextAttemptAt).getTime() - new Date(failed.attempts[0].at).getTime();
    expect(wait).toBeGreaterThan(7_000);
    expect(wait).toBeLessThan(13_000);
    expect(hook.got.length).toBe(before);
    await expect.poll(async () => (await delivery())?.status, { timeout: 25_000, interval: 500 }).toBe('delivered');
    const done = await delivery();
    expect(done.attempts.map((a: { attempt: number; status: number }) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 204],
    ]);
    expect(hook.got.at(-1)!.json.events[0]!.type).toBe('webhook.test');
    expect(hook.got.at(-1)!.headers['x-herald-attempt']).toBe('2');
  });

  it('gives a delivery up after its last attempt, and a manual retry tries exactly once more', async () => {
    expect(MAX_DELIVERY_ATTEMPTS).toBe(Number((await q<{ d: string }>(`select column_default as d from information_schema.columns where table_name = 'webhook_deliveries' and column_name = 'give_up_after'`))[0]!.d));
    // Switch off, queue a delivery already on its last allowed attempt, switch on with the endpoint failing.
    expect((await as(app, admin).patch(`/api/webhook-subscriptions/${sub.id}`, { active: false })).status).toBe(200);
    const [row] = await q<{ id: string }>(
      `insert into webhook_deliveries (company_id, subscription_id, event_count, events, attempts, give_up_after)
       values (?, ?, 1, '[{"id":"x1","type":"webhook.test"}]', 0, 1) returning id::text`,
      [sent.companyId, sub.id],
    );
    hook.state.failNext = 1;
    expect((await as(app, admin).patch(`/api/webhook-subscriptions/${sub.id}`, { active: true })).body.active).toBe(true);
    const one = async () => (await as(app, admin).get(`/api/webhook-subscriptions/${sub.id}/deliveries?status=failed`)).body.items.find((d: { id: string }) => d.id === row!.id);
    await expect.poll(async () => (await one())?.status, { timeout: 15_000, interval: 200 }).toBe('failed');
    expect((await as(app, admin).get(`/api/webhook-subscriptions/${sub.id}`)).body.failed).toBe(1);
    const retried = await as(app, admin).post(`/api/webhook-subscriptions/${sub.id}/deliveries/${row!.id}/retry`);
    expect(retried.status).toBe(202);
    const byId = async () => (await as(app, admin).get(`/api/webhook-subscriptions/${sub.id}/deliveries`)).body.items.find((d: { id: string }) => d.id === row!.id);
    await expect.poll(async () => (await byId())?.status, { timeout: 15_000, interval: 200 }).toBe('delivered');
    expect((await byId()).attempts.map((a: { status: number }) => a.status)).toEqual([500, 204]);
    const again = await as(app, admin).post(`/api/webhook-subscriptions/${sub.id}/deliveries/${row!.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_delivered');
    expect((await as(app, rivalAdmin).post(`/api/webhook-subscriptions/${sub.id}/deliveries/${row!.id}/retry`)).status).toBe(404);
  });

  it('ends the dispatcher when the subscription is deleted', async () => {
    const res = await as(app, admin).delete(`/api/webhook-subscriptions/${sub.id}`);
    expect(res.status).toBe(204);
    const handle = worker.client.workflow.getHandle(webhookDispatcherWorkflowId(sub.id));
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 15_000, interval: 300 }).toBe('COMPLETED');
    expect(await q('select 1 from webhook_deliveries where subscription_id = ?', [sub.id])).toEqual([]);
  });
});
