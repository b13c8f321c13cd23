/**
 * Attribution through the real app and PostgreSQL: API keys, conversions, leads and orders reported
 * by a machine caller, attributed from a message's real tracking token (the recipient row the real
 * snapshot made, the token the real renderer put into the e-mail), by UTM campaign, or kept
 * unattributed; repeats stored once; another company's token never attributes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { API_KEY_REQUESTS_PER_MINUTE, generateApiKey } from '../api/attribution/machine-auth.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, PASSWORD, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { hashPassword } from '../domain/password.ts';
import { sentCampaign, type SentCampaign } from './tracking-fixture.ts';

let t: TestDeps;
let app: Hono;
let sent: SentCampaign;
let sentKey: string;
let other: ApiCompany;
let otherAdmin: ReturnType<typeof as>;
let otherKey: string;
let sentAnalyst: ReturnType<typeof as>;
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;

/** Calls with an API key, in the header a CRM would use. */
const withKey = (key: string, style: 'bearer' | 'header' = 'header') => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...(style === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json()) as any };
  };
  return { post: (p: string, b: unknown) => call('POST', p, b), patch: (p: string, b: unknown) => call('PATCH', p, b), delete: (p: string) => call('DELETE', p) };
};

/** The token inside a rendered message's open pixel: what a landing page or CRM forwards. */
const tokenOf = (rid: number) => sent.openPath(rid).split('/').pop()!;

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps) as unknown as Hono;
  sent = await sentCampaign(t.db.orm, t.deps.config, 'attr-sent', { contacts: 6 });
  await q(`update campaign_recipients set variant = 'B' where campaign_id = ?`, [sent.campaignId]);
  const k = generateApiKey();
  await q(`insert into api_keys (company_id, name, prefix, secret_hash, scopes) values (?, 'CRM', ?, ?, '{conversions:write,orders:write,spend:write}')`, [sent.companyId, k.prefix, k.secretHash]);
  sentKey = k.key;
  await q(`insert into users (company_id, email, name, password_hash, role) values (?, 'analyst@attr-sent.example', 'Analyst', ?, 'analyst')`, [sent.companyId, await hashPassword(PASSWORD)]);
  other = await createApiCompany(t.db.orm, 'attr-other');
  otherAdmin = as(app, (await signIn(app, other.users.admin.email)).token);
  sentAnalyst = as(app, (await signIn(app, 'analyst@attr-sent.example')).token);
  const created = await otherAdmin.post('/api/api-keys', { name: 'Shop', scopes: ['conversions:write', 'orders:write'] });
  expect(created.status).toBe(201);
  otherKey = created.body.key;
});
afterAll(async () => {
  await t?.close();
});

describe('API keys', () => {
  it('shows the secret once: the list names the key by its prefix, and only a digest is stored', async () => {
    const created = await otherAdmin.post('/api/api-keys', { name: 'Warehouse', scopes: ['orders:write'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^hk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.key.startsWith(`${created.body.prefix}_`)).toBe(true);
    const list = await otherAdmin.get('/api/api-keys');
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'Warehouse', prefix: created.body.prefix, scopes: ['orders:write'], revokedAt: null, createdBy: { id: other.users.admin.id } });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const [row] = await q<{ secret_hash: string }>(`select secret_hash from api_keys where id = ?`, [created.body.id]);
    expect(row!.secret_hash).not.toContain(created.body.key.slice(12));
    const [log] = await q<{ n: string }>(`select count(*) as n from audit_log where action = 'api_key.created' and entity_id = ?`, [created.body.id]);
    expect(Number(log!.n)).toBe(1);
  });

  it('answers 401 in the one error shape for an unknown, a tampered and a revoked key, and 403 for a missing scope', async () => {
    const created = await otherAdmin.post('/api/api-keys', { name: 'Temp', scopes: ['conversions:write'] });
    const key: string = created.body.key;
    const body = { externalId: 'k-1', type: 'signup' };
    expect((await withKey(key, 'bearer').post('/api/conversions', body)).status).toBe(201);
    expect((await withKey(key).post('/api/orders', { externalId: 'o-k-1', value: '10' })).body.error.details).toMatchObject({ scope: 'orders:write' });

    const revoked = await otherAdmin.delete(`/api/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    for (const k of [key, `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, generateApiKey().key]) {
      const res = await withKey(k).post('/api/conversions', { ...body, externalId: 'k-2' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'invalid_api_key', message: expect.any(String) } });
    }
    expect(await q(`select 1 from conversions where external_id = 'k-2'`)).toEqual([]);
    const [log] = await q<{ n: string }>(`select count(*) as n from audit_log where action = 'api_key.revoked' and entity_id = ?`, [created.body.id]);
    expect(Number(log!.n)).toBe(1);
  });

  it('limits each key to its requests per minute (429 with Retry-After), without slowing other keys', async () => {
    const busy = (await otherAdmin.post('/api/api-keys', { name: 'Busy', scopes: ['orders:write'] })).body.key as string;
    const calm = (await otherAdmin.post('/api/api-keys', { name: 'Calm', scopes: ['orders:write'] })).body.key as string;
    // Refused for its scope, so cheap; every request still counts.
    const call = (key: string) => app.request('/api/conversions', { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: '{}' });
    for (let i = 0; i < API_KEY_REQUESTS_PER_MINUTE; i++) expect((await call(busy)).status).toBe(403);
    const limited = await call(busy);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(calm)).status).toBe(403);
  });

  it('lets only admins manage keys', async () => {
    const manager = as(app, (await signIn(app, other.users.manager.email)).token);
    expect((await manager.post('/api/api-keys', { name: 'Nope', scopes: ['orders:write'] })).status).toBe(403);
    expect((await otherAdmin.post('/api/api-keys', { name: 'Bad', scopes: ['everything'] })).body.error.details.issues[0].field).toBe('scopes.0');
  });
});

describe('conversions', () => {
  it("attributes a conversion reported with a message's token to its campaign, channel, variant, recipient, contact and region", async () => {
    const r = sent.recipients[0]!;
    const res = await withKey(sentKey).post('/api/conversions', { externalId: 'deal-1', type: 'sale', value: '2500.00', productCategory: 'Rings', token: tokenOf(r.id), occurredAt: '2026-11-20T10:00:00Z' });
    expect(res.status).toBe(201);
    const [contact] = await q<{ region: string }>(`select region from contacts where id = ?`, [r.contactId]);
    expect(res.body).toMatchObject({
      externalId: 'deal-1',
      outcome: 'created',
      attributed: true,
      campaignId: sent.campaignId,
      channel: 'email',
      variant: 'B',
      recipientId: r.id,
      contactId: r.contactId,
      region: contact!.region,
      value: '2500.0000',
      currency: 'USD',
      occurredAt: '2026-11-20T10:00:00.000Z',
    });
    const [row] = await q<{ campaign_id: string; recipient_id: string; value: string }>(`select campaign_id, recipient_id, value::text as value from conversions where external_id = 'deal-1'`);
    expect(row).toEqual({ campaign_id: sent.campaignId, recipient_id: String(r.id), value: '2500.0000' });
  });

  it('attributes by recipient id and by UTM campaign (its code, in any case), and keeps an unknown one unattributed', async () => {
    const key = withKey(sentKey, 'bearer');
    const byRecipient = await key.post('/api/conversions', { externalId: 'deal-2', type: 'sale', value: 100, recipientId: sent.recipients[1]!.id });
    expect(byRecipient.body).toMatchObject({ campaignId: sent.campaignId, recipientId: sent.recipients[1]!.id, contactId: sent.recipients[1]!.contactId });
    const byUtm = await key.post('/api/conversions', { externalId: 'deal-3', type: 'sale', value: '40', utmCampaign: 'cmp-test' });
    expect(byUtm.body).toMatchObject({ attributed: true, campaignId: sent.campaignId, channel: 'email', recipientId: null, variant: null });
    const lost = await key.post('/api/conversions', { externalId: 'deal-4', type: 'sale', value: '75', utmCampaign: 'SOMETHING-ELSE' });
    expect(lost.status).toBe(201);
    expect(lost.body).toMatchObject({ attributed: false, campaignId: null, channel: null });
    const forged = await key.post('/api/conversions', { externalId: 'deal-5', type: 'sale', value: '75', token: `${tokenOf(sent.recipients[2]!.id).slice(0, -2)}xx` });
    expect(forged.body).toMatchObject({ attributed: false, campaignId: null, recipientId: null });
    const rows = await q<{ external_id: string; campaign_id: string | null }>(`select external_id, campaign_id from conversions where external_id in ('deal-4', 'deal-5') order by external_id`);
    expect(rows).toEqual([
      { external_id: 'deal-4', campaign_id: null },
      { external_id: 'deal-5', campaign_id: null },
    ]);
    // Reported as such: listed among the unattributed, and not among the attributed.
    const listed = async (attributed: boolean) =>
      ((await sentAnalyst.get(`/api/conversions?attributed=${attributed}&pageSize=200`)).body.items as { externalId: string }[]).map((x) => x.externalId);
    expect(await listed(false)).toEqual(expect.arrayContaining(['deal-4', 'deal-5']));
    expect(await listed(false)).not.toContain('deal-3');
    expect(await listed(true)).toEqual(expect.arrayContaining(['deal-1', 'deal-2', 'deal-3']));
    expect(await listed(true)).not.toContain('deal-4');
  });

  it('narrows the list by the analytics filters — channel, region and the creating team — and names a bad filter value', async () => {
    const ids = async (query: string) => ((await sentAnalyst.get(`/api/conversions?pageSize=200&${query}`)).body.items as { externalId: string }[]).map((x) => x.externalId).sort();
    const [deal1] = await q<{ region: string }>(`select region from conversions where external_id = 'deal-1'`);
    expect(deal1!.region).toBeTruthy();
    const viaEmail = await ids('channel=email');
    expect(viaEmail).toEqual(expect.arrayContaining(['deal-1', 'deal-2', 'deal-3']));
    expect(viaEmail).not.toContain('deal-4'); // unattributed: no channel
    expect(await ids('channel=sms,paid_ads')).toEqual([]);
    const inRegion = await ids(`region=${encodeURIComponent(deal1!.region)}`);
    expect(inRegion).toContain('deal-1');
    const [other] = await q<{ n: number }>(`select count(*)::int as n from conversions where company_id = ? and region is distinct from ?`, [sent.companyId, deal1!.region]);
    expect(inRegion.length).toBe((await ids('')).length - other!.n);
    const [team] = await q<{ id: string }>(`insert into teams (company_id, name) values (?, 'Jewellery') returning id`, [sent.companyId]);
    expect(await ids(`team=${team!.id}`)).toEqual([]);
    await q(`update users set team_id = ? where id = ?`, [team!.id, sent.creatorId]);
    expect(await ids(`team=${team!.id}`)).toEqual(viaEmail);
    const bad = await sentAnalyst.get('/api/conversions?channel=email,fax');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0]).toMatchObject({ field: 'query.channel', message: expect.stringContaining('"fax"') });
  });

  it('stores a report posted three times once, answering the first answer; the same id with another value is refused whole, naming the field', async () => {
    const body = { externalId: 'deal-3x', type: 'sale', value: '999.99', token: tokenOf(sent.recipients[3]!.id), occurredAt: '2026-11-21T08:00:00Z' };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await withKey(sentKey).post('/api/conversions', body));
    expect(answers.map((a) => a.status)).toEqual([201, 200, 200]);
    expect(answers[2]!.body).toEqual({ ...answers[0]!.body, outcome: 'unchanged' });
    const clash = await withKey(sentKey).post('/api/conversions/batch', { items: [{ externalId: 'deal-new', type: 'signup' }, { ...body, value: '1000' }] });
    expect(clash.status).toBe(409);
    expect(clash.body.error.details.issues).toEqual([{ field: 'items.1.value', message: expect.stringContaining('999.99') }]);
    expect(await q(`select external_id from conversions where external_id in ('deal-3x', 'deal-new')`)).toEqual([{ external_id: 'deal-3x' }]);
  });

  it('stores a report sent five times at once exactly once', async () => {
    const body = { externalId: 'deal-race', type: 'sale', value: '10.00', recipientId: sent.recipients[2]!.id };
    const answers = await Promise.all(Array.from({ length: 5 }, () => withKey(sentKey).post('/api/conversions', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await q(`select count(*)::int as n from conversions where external_id = 'deal-race'`)).toEqual([{ n: 1 }]);
  });

  it("never attributes to another company's campaign: a token of company B posted with company A's key is kept, unattributed, in A", async () => {
    const rid = sent.recipients[4]!.id;
    const before = await q(`select count(*) as n from conversions where company_id = ?`, [sent.companyId]);
    const res = await withKey(otherKey).post('/api/conversions', { externalId: 'cross-1', type: 'sale', value: '50', token: tokenOf(rid), recipientId: rid });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ attributed: false, campaignId: null, recipientId: null, contactId: null, region: null });
    expect(await q(`select count(*) as n from conversions where company_id = ?`, [sent.companyId])).toEqual(before);
    const [row] = await q<{ company_id: string }>(`select company_id from conversions where external_id = 'cross-1'`);
    expect(row!.company_id).toBe(other.id);
    const utm = await withKey(otherKey).post('/api/conversions', { externalId: 'cross-2', type: 'sale', value: '50', utmCampaign: 'CMP-TEST' });
    expect(utm.body.campaignId).toBeNull();
  });

  it('refuses bad input with a 422 naming the field, and writes nothing of the batch', async () => {
    const key = withKey(sentKey);
    const bad = await key.post('/api/conversions/batch', {
      items: [
        { externalId: 'v-1', type: 'sale', value: '10', currency: 'EUR', utmCampaign: 'CMP-TEST' },
        { externalId: 'v-2', type: 'sale', value: '10.123' },
        { externalId: 'v-3', type: 'sale', leadStage: 'hot' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['items.2.leadStage']);
    const money = await key.post('/api/conversions/batch', { items: [{ externalId: 'v-1', type: 'sale', value: '10', currency: 'EUR', utmCampaign: 'CMP-TEST' }, { externalId: 'v-2', type: 'sale', value: '10.123' }] });
    expect(money.status).toBe(422);
    expect(money.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['items.0.currency', 'items.1.value']);
    expect((await key.post('/api/conversions', { externalId: 'v-4', type: 'refund' })).body.error.details.issues[0].field).toBe('type');
    expect((await key.post('/api/conversions', { externalId: 'v-5', type: 'sale', occurredAt: 'yesterday' })).body.error.details.issues[0].field).toBe('occurredAt');
    expect(await q(`select 1 from conversions where external_id like 'v-%'`)).toEqual([]);
  });

  it('stores a batch of 1 000 in one request, and the same batch again changes nothing', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ externalId: `bulk-${i}`, type: 'sale', value: `${i}.50`, recipientId: sent.recipients[i % sent.recipients.length]!.id }));
    const first = await withKey(sentKey).post('/api/conversions/batch', { items });
    expect(first.status).toBe(200);
    expect(first.body.items.filter((x: { outcome: string }) => x.outcome === 'created')).toHaveLength(1000);
    const again = await withKey(sentKey).post('/api/conversions/batch', { items });
    expect(again.body.items.every((x: { outcome: string }) => x.outcome === 'unchanged')).toBe(true);
    const [sum] = await q<{ n: string; total: string }>(`select count(*) as n, sum(value)::text as total from conversions where external_id like 'bulk-%'`);
    expect(sum).toEqual({ n: '1000', total: String((999 * 1000) / 2 + 500) + '.0000' });
    const tooMany = await withKey(sentKey).post('/api/conversions/batch', { items: [...items, { externalId: 'bulk-1000', type: 'sale' }] });
    expect(tooMany.status).toBe(422);
  });
});

describe('leads', () => {
  it('carries source, stage and score; a later report or a PATCH moves the stage on, still one row', async () => {
    const key = withKey(sentKey);
    const lead = { externalId: 'lead-1', type: 'lead', leadSource: 'webinar', qualityScore: 40, token: tokenOf(sent.recipients[5]!.id) };
    const first = await key.post('/api/conversions', lead);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ leadStage: 'new', leadSource: 'webinar', qualityScore: 40, campaignId: sent.campaignId });
    const qualified = await key.post('/api/conversions', { ...lead, leadStage: 'qualified', qualityScore: 75 });
    expect(qualified.status).toBe(200);
    expect(qualified.body).toMatchObject({ outcome: 'updated', leadStage: 'qualified', qualityScore: 75, id: first.body.id });
    const won = await key.patch('/api/conversions/lead-1', { leadStage: 'won' });
    expect(won.body).toMatchObject({ outcome: 'updated', leadStage: 'won', qualityScore: 75 });
    expect(await q(`select lead_stage, quality_score from conversions where external_id = 'lead-1'`)).toEqual([{ lead_stage: 'won', quality_score: 75 }]);
    expect((await key.patch('/api/conversions/lead-1', { qualityScore: 101 })).body.error.details.issues[0].field).toBe('qualityScore');
    expect((await key.patch('/api/conversions/deal-1', { leadStage: 'hot' })).status).toBe(422);
    expect((await key.patch('/api/conversions/nope', { leadStage: 'hot' })).status).toBe(404);
  });
});

describe('orders', () => {
  it('attributes an order from its token, marks it as from a message, stores repeats once and lets its status move on', async () => {
    const key = withKey(sentKey);
    const order = { externalId: 'ord-1', value: '4200.00', productCount: 2, token: tokenOf(sent.recipients[0]!.id), orderedAt: '2026-11-22T12:00:00Z' };
    const first = await key.post('/api/orders', order);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ attributed: true, attributedToMessage: true, campaignId: sent.campaignId, variant: 'B', status: 'completed', value: '4200.0000' });
    expect((await key.post('/api/orders', order)).status).toBe(200);
    const refunded = await key.post('/api/orders', { ...order, status: 'refunded' });
    expect(refunded.body).toMatchObject({ outcome: 'updated', status: 'refunded' });
    const clash = await key.post('/api/orders', { ...order, productCount: 3 });
    expect(clash.status).toBe(409);
    expect(clash.body.error.details.issues[0].field).toBe('productCount');
    const byUtm = await key.post('/api/orders', { externalId: 'ord-2', value: '80', utmCampaign: 'CMP-TEST' });
    expect(byUtm.body).toMatchObject({ attributed: true, attributedToMessage: false });
    expect(await q(`select count(*)::int as n from orders where external_id = 'ord-1'`)).toEqual([{ n: 1 }]);
  });
});
