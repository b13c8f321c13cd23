/** The approvals queue, the calendar, notifications and the audit trail through the API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let rival: ApiCompany;
const tok: Record<string, string> = {};
const day = 86_400_000;

async function campaign(name: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await as(app, tok.manager!).post('/api/campaigns', {
    name,
    type: 'promotional',
    channel: 'email',
    startAt: new Date(Date.now() + 2 * day).toISOString(),
    endAt: new Date(Date.now() + 9 * day).toISOString(),
    budget: '2500.00',
    ...over,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}
const sql = (q: string, b: unknown[] = []) => t.deps.orm.em.getKnex().raw(q, b as never[]);

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  acme = await createApiCompany(t.deps.orm, 'work-acme');
  rival = await createApiCompany(t.deps.orm, 'work-rival');
  for (const r of ['manager', 'approver', 'viewer', 'admin'] as const) tok[r] = (await signIn(app, acme.users[r].email)).token;
  tok.rival = (await signIn(app, rival.users.approver.email)).token;
});
afterAll(async () => {
  await t?.close();
});

describe('approvals queue', () => {
  it('lists what waits for me with submitter, budget and a field diff since the last approval; never my own', async () => {
    const first = await campaign('First submission');
    const edited = await campaign('Edited after approval');
    await sql(`update campaigns set status = 'pending_approval' where id in (?, ?)`, [first, edited]);
    await sql(`insert into approvals (company_id, campaign_id, decision, approver_id, content_hash, decided_at) values (?, ?, 'approved', ?, ?, now() - interval '1 hour')`, [
      acme.id,
      edited,
      acme.users.approver.id,
      'c'.repeat(64),
    ]);
    await as(app, tok.manager!).patch(`/api/campaigns/${edited}`, { budget: '9000.00', name: 'Edited after approval!' });
    await sql(`update campaigns set status = 'pending_approval' where id = ?`, [edited]);

    const q = await as(app, tok.approver!).get('/api/approvals');
    expect(q.status).toBe(200);
    const byId = Object.fromEntries(q.body.items.map((i: { campaignId: string }) => [i.campaignId, i]));
    expect(byId[first].changesSinceLastApproval).toEqual([]);
    expect(byId[first].submittedBy.id).toBe(acme.users.manager.id);
    expect(byId[first].budget).toEqual({ amount: '2500.00', currency: 'USD' });
    const diff = Object.fromEntries(byId[edited].changesSinceLastApproval.map((d: { field: string }) => [d.field, d]));
    expect(diff.budget).toMatchObject({ before: { amount: '2500.00', currency: 'USD' }, after: { amount: '9000.00', currency: 'USD' } });
    expect(diff.name).toMatchObject({ before: 'Edited after approval', after: 'Edited after approval!' });

    // The admin sees both (not theirs); a manager may not open the queue; another company sees none.
    expect((await as(app, tok.admin!).get('/api/approvals')).body.total).toBe(2);
    // A page of one, and a page past the end, still carry the queue's total.
    const one = await as(app, tok.admin!).get('/api/approvals?pageSize=1&page=2');
    expect(one.body.items).toHaveLength(1);
    expect(one.body.total).toBe(2);
    const beyond = await as(app, tok.admin!).get('/api/approvals?pageSize=1&page=9');
    expect(beyond.body).toMatchObject({ items: [], total: 2 });
    expect((await as(app, tok.manager!).get('/api/approvals')).status).toBe(403);
    expect((await as(app, tok.rival!).get('/api/approvals')).body.total).toBe(0);
  });
});

describe('calendar', () => {
  it('returns planned and running campaigns overlapping the range, by channel', async () => {
    const inRange = await campaign('On the calendar');
    const draftOnly = await campaign('Still a draft');
    const sms = await campaign('SMS run', { channel: 'sms' });
    await sql(`update campaigns set status = 'scheduled' where id in (?, ?)`, [inRange, sms]);
    const from = new Date(Date.now() + day).toISOString();
    const to = new Date(Date.now() + 30 * day).toISOString();
    const res = await as(app, tok.viewer!).get(`/api/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([inRange, sms]));
    expect(ids).not.toContain(draftOnly);
    const onlySms = await as(app, tok.viewer!).get(`/api/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&channel=sms`);
    expect(onlySms.body.items.map((i: { id: string }) => i.id)).toEqual([sms]);
    const backwards = await as(app, tok.viewer!).get(`/api/calendar?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`);
    expect(backwards.status).toBe(422);
    expect(backwards.body.error.details.issues[0].field).toBe('to');
  });
});

describe('notifications', () => {
  it('lists mine, counts unread, marks read; someone else’s is 404', async () => {
    const mine = await sql(`insert into notifications (company_id, user_id, kind, payload) values (?, ?, 'campaign.approved', '{"campaignName":"X"}'), (?, ?, 'campaign.completed', '{}') returning id`, [
      acme.id,
      acme.users.viewer.id,
      acme.id,
      acme.users.viewer.id,
    ]);
    const theirs = await sql(`insert into notifications (company_id, user_id, kind) values (?, ?, 'campaign.rejected') returning id`, [acme.id, acme.users.manager.id]);
    const v = as(app, tok.viewer!);
    expect((await v.get('/api/notifications/unread-count')).body.unread).toBe(2);
    const list = await v.get('/api/notifications');
    expect(list.body.items.map((n: { kind: string }) => n.kind).sort()).toEqual(['campaign.approved', 'campaign.completed']);
    const read = await v.post(`/api/notifications/${mine.rows[0].id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await v.get('/api/notifications/unread-count')).body.unread).toBe(1);
    expect((await v.post(`/api/notifications/${theirs.rows[0].id}/read`)).status).toBe(404);
    expect((await v.post('/api/notifications/read-all')).body.marked).toBe(1);
    expect((await v.get('/api/notifications?unread=true')).body.items).toEqual([]);
  });
});

describe('audit trail', () => {
  it('filters by entity, actor and action prefix, newest first, with request id and IP', async () => {
    const id = await campaign('Audited');
    await as(app, tok.manager!).patch(`/api/campaigns/${id}`, { name: 'Audited twice' }, { 'x-forwarded-for': '10.20.30.40' });
    const res = await as(app, tok.viewer!).get(`/api/audit?entityType=campaign&entityId=${id}&action=campaign.*`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['campaign.updated', 'campaign.created']);
    expect(res.body.items[0]).toMatchObject({ actor: { id: acme.users.manager.id }, before: { name: 'Audited' }, after: { name: 'Audited twice' }, ip: '10.20.30.40' });
    expect(res.body.items[0].requestId).toMatch(/.+/);
    const other = await as(app, tok.rival!).get(`/api/audit?entityId=${id}`);
    expect(other.body.items).toEqual([]);
  });
});

describe('metrics', () => {
  it('exposes request counts and latency by route pattern (never by raw path) in Prometheus format', async () => {
    const id = await campaign('Measured');
    await as(app, tok.viewer!).get(`/api/campaigns/${id}`);
    await as(app, tok.viewer!).get('/api/campaigns/00000000-0000-4000-8000-000000000000');
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/herald_http_requests_total\{method="GET",route="\/api\/campaigns\/:id",status="200"\} 1/);
    expect(text).toMatch(/herald_http_requests_total\{method="GET",route="\/api\/campaigns\/:id",status="404"\} 1/);
    expect(text).toMatch(/herald_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/api\/campaigns\/:id"\}/);
    expect(text).not.toContain(id);
  });
});

describe('bad input found by the fuzzer answers 4xx, never 500', () => {
  it('rejects malformed instants, out-of-range offsets, NUL characters and absurd pages', async () => {
    const v = as(app, tok.viewer!);
    const to = await v.get('/api/campaigns?to=00');
    expect(to.status).toBe(422);
    expect(to.body.error.details.issues[0].field).toBe('query.to');
    const audit = await v.get(`/api/audit?from=${encodeURIComponent('0086-05-03T09:37:14.693345Z')}&to=${encodeURIComponent('1426-10-23T13:54:38.033822+21:04')}`);
    expect(audit.status).toBeLessThan(500);
    expect((await v.get('/api/campaigns?page=999999999999')).status).toBe(422);
    const nul = await as(app, tok.manager!).post('/api/campaigns', {
      name: 'Nul content',
      type: 'promotional',
      channel: 'email',
      startAt: new Date(Date.now() + 2 * day).toISOString(),
      endAt: new Date(Date.now() + 9 * day).toISOString(),
      content: { email: { subject: 'a\u0000b', html: '<p>x</p>' } },
    });
    expect(nul.status).toBe(422);
    expect(nul.body.error.code).toBe('invalid_value');
  });

  it('names a run id that is not a UUID instead of passing it on to Temporal', async () => {
    const id = await campaign('History with a bad run id');
    const res = await as(app, tok.admin!).get(`/api/ops/campaigns/${id}/history?runId=${encodeURIComponent('%\u0013x')}`);
    expect(res.status).toBe(422);
    expect(res.body.error.details.issues[0].field).toBe('query.runId');
    // A well-formed run id that is not one of this campaign's runs is not found, not a Temporal error.
    const unknown = await as(app, tok.admin!).get(`/api/ops/campaigns/${id}/history?runId=13727108-dffd-2e92-ac32-272d528423a8`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

describe('actions on a campaign whose status has no workflow behind it (demo data, imports)', () => {
  it('answers 409 naming the stored state for reschedule, send-now and approve, and changes nothing', async () => {
    const id = await campaign('Imported as scheduled');
    await sql(`update campaigns set status = 'scheduled', approval_status = 'approved' where id = ?`, [id]);
    const m = as(app, tok.manager!);
    const startAt = new Date(Date.now() + 3 * day).toISOString();
    const moved = await m.post(`/api/campaigns/${id}/reschedule`, { startAt });
    expect(moved.status).toBe(409);
    expect(moved.body.error).toMatchObject({ code: 'invalid_state', details: { state: 'scheduled' } });
    expect(moved.body.error.message).toMatch(/scheduled campaign has no running workflow/);
    const now = await m.post(`/api/campaigns/${id}/send-now`, {});
    expect(now.status).toBe(409);
    expect(now.body.error.details).toEqual({ state: 'scheduled' });

    await sql(`update campaigns set status = 'pending_approval', approval_status = 'pending' where id = ?`, [id]);
    const approved = await as(app, tok.approver!).post(`/api/campaigns/${id}/approve`, {});
    expect(approved.status).toBe(409);
    expect(approved.body.error.details).toEqual({ state: 'pending_approval' });
    const row = await sql(`select status, start_at from campaigns where id = ?`, [id]);
    expect(row.rows[0].status).toBe('pending_approval');
    expect(new Date(row.rows[0].start_at).toISOString()).not.toBe(startAt);
  });
});
