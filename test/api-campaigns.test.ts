/**
 * Campaigns through the API against the real PostgreSQL, Temporal dev server, worker and channel
 * sinks: create → submit → approve → send → pause → resume → complete, and every refusal on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiWithWorker, type ApiWithWorker } from './setup/api-worker.ts';
import { addContacts } from './fixtures/campaigns.ts';
import { waitFor } from './fixtures/reliability.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: ApiWithWorker['t'];
let app: ApiWithWorker['app'];
let smtp: ApiWithWorker['smtp'];
let stack: ApiWithWorker;
let acme: ApiCompany;
let rival: ApiCompany;
const tokens: Record<string, string> = {};

const future = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const draft = (over: Record<string, unknown> = {}) => ({
  name: 'Winter sale',
  type: 'promotional',
  channel: 'email',
  startAt: future(48),
  endAt: future(24 * 10),
  budget: '5000.00',
  content: { email: { subject: 'Hi {{ contact.first_name }}', html: '<p>Winter sale for {{ contact.first_name }}</p>' } },
  sender: { fromEmail: 'news@acme.example', fromName: 'Acme' },
  audience: { rules: { field: 'region', op: '=', value: 'East' } },
  ...over,
});

beforeAll(async () => {
  stack = await startApiWithWorker();
  ({ t, app, smtp } = stack);
  acme = await createApiCompany(t.deps.orm, 'camp-acme');
  rival = await createApiCompany(t.deps.orm, 'camp-rival');
  await addContacts(t.deps.orm, acme.id, 'camp-acme', 1, 300);
  for (const role of ['manager', 'approver', 'viewer', 'ops', 'analyst'] as const) tokens[role] = (await signIn(app, acme.users[role].email)).token;
  tokens.rival = (await signIn(app, rival.users.manager.email)).token;
});
afterAll(async () => {
  await stack?.close();
});

describe('campaign CRUD', () => {
  it('creates a draft with a generated code, returns its ETag and audits it', async () => {
    const res = await as(app, tokens.manager!).post('/api/campaigns', draft());
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^CMP-\d{4}-\d{4}$/);
    expect(res.body.status).toBe('draft');
    expect(res.body.budget).toEqual({ amount: '5000.00', currency: 'USD' });
    expect(res.body.audience.rules).toEqual({ field: 'region', op: '=', value: 'East' });
    expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
    const log = await t.deps.orm.em.getKnex().raw(`select action, actor_id from audit_log where entity_id = ?`, [res.body.id]);
    expect(log.rows).toEqual([{ action: 'campaign.created', actor_id: acme.users.manager.id }]);
  });

  it('returns the first result for a retried Idempotency-Key instead of a second campaign', async () => {
    const key = { 'idempotency-key': 'create-once-1' };
    const request = draft({ name: 'Once only' });
    const first = await as(app, tokens.manager!).post('/api/campaigns', request, key);
    const again = await as(app, tokens.manager!).post('/api/campaigns', request, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const count = await t.deps.orm.em.getKnex().raw(`select count(*)::int as n from campaigns where name = 'Once only'`);
    expect(count.rows[0].n).toBe(1);
    const other = await as(app, tokens.manager!).post('/api/campaigns', draft({ name: 'Different' }), key);
    expect(other.status).toBe(422);
    expect(other.body.error.details.issues[0].field).toBe('Idempotency-Key');
  });

  it('names every bad field, rejects unknown fields, and writes nothing', async () => {
    const before = await t.deps.orm.em.getKnex().raw(`select count(*)::int as n from campaigns`);
    const res = await as(app, tokens.manager!).post('/api/campaigns', draft({ type: 'nope', budget: 'lots', surprise: true }));
    expect(res.status).toBe(422);
    const fields = res.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['type', 'budget']));
    expect(JSON.stringify(res.body)).toMatch(/surprise/);
    const semantic = await as(app, tokens.manager!).post('/api/campaigns', draft({ startAt: future(24 * 20), endAt: future(24) }));
    expect(semantic.status).toBe(422);
    expect(semantic.body.error.details.issues.map((i: { field: string }) => i.field)).toContain('endAt');
    const rules = await as(app, tokens.manager!).post('/api/campaigns', draft({ audience: { rules: { field: 'region', op: 'like??', value: 1 } } }));
    expect(rules.status).toBe(422);
    expect(rules.body.error.details.issues[0].field).toMatch(/^audience\.rules/);
    const after = await t.deps.orm.em.getKnex().raw(`select count(*)::int as n from campaigns`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('lists with pagination, filters, search and sort', async () => {
    for (const name of ['Spring launch', 'Summer promo', 'Autumn news']) await as(app, tokens.manager!).post('/api/campaigns', draft({ name, channel: name.startsWith('S') ? 'sms' : 'email', content: { sms: { body: 'hi' }, email: { subject: 's', html: 'h' } } }));
    const page = await as(app, tokens.viewer!).get('/api/campaigns?pageSize=2&page=1&sort=name&order=asc');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(5);
    // A page past the end has no row to carry the total: it is still the real count.
    const beyond = await as(app, tokens.viewer!).get('/api/campaigns?pageSize=2&page=500');
    expect(beyond.body.items).toEqual([]);
    expect(beyond.body.total).toBe(page.body.total);
    const names = page.body.items.map((i: { name: string }) => i.name);
    expect([...names].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase()))).toEqual(names);
    const sms = await as(app, tokens.viewer!).get('/api/campaigns?channel=sms');
    expect(sms.body.items.map((i: { name: string }) => i.name).sort()).toEqual(['Spring launch', 'Summer promo']);
    const search = await as(app, tokens.viewer!).get('/api/campaigns?q=autumn');
    expect(search.body.items.map((i: { name: string }) => i.name)).toEqual(['Autumn news']);
    const bad = await as(app, tokens.viewer!).get('/api/campaigns?status=flying&pageSize=9999');
    expect(bad.status).toBe(422);
    const badFields = bad.body.error.details.issues.map((i: { field: string }) => i.field).join(' ');
    expect(badFields).toMatch(/query\.status/);
    expect(badFields).toMatch(/query\.pageSize/);
  });

  it('edits with If-Match: a stale version gets 412 and changes nothing', async () => {
    const created = await as(app, tokens.manager!).post('/api/campaigns', draft({ name: 'Versioned' }));
    const v = created.headers.get('etag')!;
    const ok = await as(app, tokens.manager!).patch(`/api/campaigns/${created.body.id}`, { name: 'Versioned 2' }, { 'if-match': v });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('Versioned 2');
    const stale = await as(app, tokens.manager!).patch(`/api/campaigns/${created.body.id}`, { name: 'Lost update' }, { 'if-match': v });
    expect(stale.status).toBe(412);
    const now = await as(app, tokens.viewer!).get(`/api/campaigns/${created.body.id}`);
    expect(now.body.name).toBe('Versioned 2');
    const audit = await t.deps.orm.em.getKnex().raw(`select before, after from audit_log where entity_id = ? and action = 'campaign.updated'`, [created.body.id]);
    expect(audit.rows).toEqual([{ before: { name: 'Versioned' }, after: { name: 'Versioned 2' } }]);
  });

  it('keeps companies apart: another tenant’s id is 404, never its data', async () => {
    const mine = await as(app, tokens.manager!).post('/api/campaigns', draft({ name: 'Secret plan' }));
    for (const res of [
      await as(app, tokens.rival!).get(`/api/campaigns/${mine.body.id}`),
      await as(app, tokens.rival!).patch(`/api/campaigns/${mine.body.id}`, { name: 'hijack' }),
      await as(app, tokens.rival!).delete(`/api/campaigns/${mine.body.id}`),
      await as(app, tokens.rival!).post(`/api/campaigns/${mine.body.id}/submit`),
      await as(app, tokens.rival!).post(`/api/campaigns/${mine.body.id}/duplicate`),
    ]) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/Secret plan/);
    }
    const list = await as(app, tokens.rival!).get('/api/campaigns');
    expect(list.body.total).toBe(0);
  });

  it('refuses roles without the permission with 403', async () => {
    expect((await as(app, tokens.viewer!).post('/api/campaigns', draft())).status).toBe(403);
    expect((await as(app, tokens.approver!).post('/api/campaigns', draft())).status).toBe(403);
    const c = await as(app, tokens.manager!).post('/api/campaigns', draft({ name: 'Roles' }));
    expect((await as(app, tokens.analyst!).delete(`/api/campaigns/${c.body.id}`)).status).toBe(403);
    expect((await as(app, tokens.ops!).post(`/api/campaigns/${c.body.id}/submit`)).status).toBe(403);
  });

  it('duplicates into a new draft and archives a draft', async () => {
    const c = await as(app, tokens.manager!).post('/api/campaigns', draft({ name: 'Original' }));
    const copy = await as(app, tokens.manager!).post(`/api/campaigns/${c.body.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.body.name).toBe('Copy of Original');
    expect(copy.body.code).not.toBe(c.body.code);
    expect(copy.body.audience.rules).toEqual(c.body.audience.rules);
    expect((await as(app, tokens.manager!).delete(`/api/campaigns/${c.body.id}`)).status).toBe(204);
    expect((await as(app, tokens.viewer!).get(`/api/campaigns/${c.body.id}`)).status).toBe(404);
  });
});

describe('preview and test send', () => {
  it('renders per channel for a sample contact, or a chosen one for roles that may see personal data, naming fields that fail', async () => {
    const c = await as(app, tokens.manager!).post(
      '/api/campaigns',
      draft({ name: 'Preview me', content: { email: { subject: 'Hi {{ contact.first_name }}', html: '<p>{{ contact.tier }} {{ contact.nope }}</p>' }, sms: { body: 'Yo {{ contact.first_name }}' } } }),
    );
    const viewer = await as(app, tokens.viewer!).post(`/api/campaigns/${c.body.id}/preview`, {});
    expect(viewer.status).toBe(200);
    expect(viewer.body.contact).toEqual({ id: null, name: 'Alex Sample', sample: true });
    expect(viewer.body.channels.email.fields.subject).toBe('Hi Alex');
    expect(viewer.body.channels.email.errors).toEqual([{ field: 'html', message: expect.stringMatching(/nope/) }]);
    expect(viewer.body.channels.sms.fields.body).toBe('Yo Alex');
    const [contact] = (await t.deps.orm.em.getKnex().raw(`select id from contacts where company_id = ? and email = 'c7@camp-acme.example'`, [acme.id])).rows;
    const chosen = await as(app, tokens.manager!).post(`/api/campaigns/${c.body.id}/preview`, { contactId: contact.id });
    expect(chosen.body.channels.email.fields.subject).toBe('Hi First7');
    expect((await as(app, tokens.viewer!).post(`/api/campaigns/${c.body.id}/preview`, { contactId: contact.id })).status).toBe(422);
  });

  it('test-sends the e-mail to my own address through the SMTP channel', async () => {
    const c = await as(app, tokens.manager!).post('/api/campaigns', draft({ name: 'Test me' }));
    const res = await as(app, tokens.manager!).post(`/api/campaigns/${c.body.id}/test-send`, {});
    expect(res.status).toBe(200);
    expect(res.body.to).toBe(acme.users.manager.email);
    const mail = await waitFor(async () => smtp.messages().find((m) => m.to.includes(acme.users.manager.email)), (m) => m !== undefined, 10_000);
    expect(mail!.raw).toMatch(/Subject: \[TEST\] Hi Manager/);
    expect((await as(app, tokens.viewer!).post(`/api/campaigns/${c.body.id}/test-send`, {})).status).toBe(403);
  });
});

describe('a campaign to every contact', () => {
  it('submits with no audience rules (the wizard\'s "every contact"), counting the whole company', async () => {
    const m = as(app, tokens.manager!);
    const created = await m.post('/api/campaigns', draft({ name: 'Everyone', audience: { rules: null } }));
    expect(created.status).toBe(201);
    const submitted = await m.post(`/api/campaigns/${created.body.id}/submit`);
    expect(submitted.status).toBe(200);
    const contacts = Number((await t.db.orm.em.getKnex().raw<{ rows: { n: string }[] }>('select count(*) as n from contacts where company_id = ?', [acme.id])).rows[0]!.n);
    expect(contacts).toBeGreaterThan(0);
    expect(submitted.body.targets.audienceSize).toBe(contacts);
  });
});

describe('a campaign’s life through the API', () => {
  it('submit → approval → send → pause → resume → completed, with refusals as 409', async () => {
    const m = as(app, tokens.manager!);
    const created = await m.post('/api/campaigns', draft({ name: 'Full life', startAt: future(1) }));
    const id = created.body.id as string;

    const submitted = await m.post(`/api/campaigns/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('pending_approval');
    expect(submitted.body.state.status).toBe('pending_approval');

    expect((await m.post(`/api/campaigns/${id}/submit`)).status).toBe(409);
    // The creator cannot approve, even as admin-like roles would; a manager lacks the permission anyway.
    expect((await m.post(`/api/campaigns/${id}/approve`, {})).status).toBe(403);
    const pauseEarly = await as(app, tokens.ops!).post(`/api/campaigns/${id}/pause`, {});
    expect(pauseEarly.status).toBe(409);
    expect(pauseEarly.body.error.message).toMatch(/pending_approval/);

    const approved = await as(app, tokens.approver!).post(`/api/campaigns/${id}/approve`, { comment: 'looks good' });
    expect(approved.status).toBe(200);
    expect(['approved', 'scheduled']).toContain(approved.body.state.status);

    const sending = await m.post(`/api/campaigns/${id}/send-now`);
    expect(sending.status).toBe(200);
    const paused = await as(app, tokens.ops!).post(`/api/campaigns/${id}/pause`, { reason: 'check the links' });
    // A small audience may finish before the pause lands. Only that excuses a refusal: the 409 must
    // name a finished campaign, and an accepted pause must leave it paused (or already completed).
    if (paused.status === 409) expect(paused.body.error.details.state).toBe('completed');
    else {
      expect(paused.status).toBe(200);
      expect(['paused', 'completed']).toContain(paused.body.state.status);
      if (paused.body.state.status === 'paused') {
        expect(paused.body.state.pauseReason).toBe('check the links');
        const resumed = await as(app, tokens.ops!).post(`/api/campaigns/${id}/resume`, {});
        expect(resumed.status).toBe(200);
        expect(['sending', 'completed']).toContain(resumed.body.state.status);
      }
    }
    const done = (
      await waitFor(
        () => as(app, tokens.viewer!).get(`/api/campaigns/${id}`),
        (res) => res.body.state?.status === 'completed' && res.body.status === 'completed',
        60_000,
      )
    ).body;
    expect(done.state.counts.sent).toBe(100);
    expect(done.status).toBe('completed');
    expect(done.approvals.map((a: { decision: string }) => a.decision)).toEqual(['approved']);
    const mails = smtp.messages().filter((msg) => /Winter sale/.test(msg.raw ?? ''));
    expect(mails.length).toBeGreaterThan(0);
    const edit = await m.patch(`/api/campaigns/${id}`, { name: 'Too late' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.details.state).toBe('completed');

    // Ops reads the same run as a readable history, with who approved it.
    const ops = as(app, tokens.ops!);
    // The run closes a moment after its last projection: read the history once it has.
    const history = await waitFor(
      () => ops.get(`/api/ops/campaigns/${id}/history`),
      (res) => res.status !== 200 || res.body.events.some((e: { summary: string }) => e.summary === 'workflow completed'),
      15_000,
    );
    expect(history.status).toBe(200);
    const summaries = history.body.events.map((e: { summary: string }) => e.summary);
    expect(summaries).toEqual(expect.arrayContaining(['workflow started', 'snapshotAudience completed', 'sendBatch completed', 'update approve accepted', 'workflow completed']));
    const approval = history.body.events.find((e: { summary: string }) => e.summary === 'update approve accepted');
    expect(approval.actor).toEqual({ id: acme.users.approver.id, name: expect.stringMatching(/Approver/) });
    expect(history.body.events.some((e: { type: string }) => e.type.startsWith('WorkflowTask'))).toBe(false);
    const listed = await waitFor(
      () => ops.get('/api/ops/workflows?campaignStatus=completed'),
      (res) => res.body.items.some((w: { campaignId: string }) => w.campaignId === id),
      15_000,
    );
    expect(listed.body.items.find((w: { campaignId: string }) => w.campaignId === id).executionStatus).toBe('COMPLETED');
    expect((await as(app, tokens.viewer!).get(`/api/ops/campaigns/${id}/history`)).status).toBe(403);
    expect((await as(app, tokens.rival!).get(`/api/ops/campaigns/${id}/history`)).status).toBe(403);
    expect((await ops.get('/api/ops/stuck')).body.items).toEqual([]);

    // Per-recipient status, addresses masked for a role without pii:read.
    const sent = await m.get(`/api/campaigns/${id}/recipients?status=sent&pageSize=10`);
    expect(sent.status).toBe(200);
    expect(sent.body.total).toBe(100);
    expect(sent.body.counts.sent).toBe(100);
    expect(sent.body.items[0].address).toMatch(/^c\d+@camp-acme\.example$/);
    expect(sent.body.items.map((r: { seq: number }) => r.seq)).toEqual([...sent.body.items.map((r: { seq: number }) => r.seq)].sort((a, b) => a - b));
    const masked = await as(app, tokens.analyst!).get(`/api/campaigns/${id}/recipients?pageSize=5`);
    expect(masked.body.items[0].address).not.toMatch(/^c\d+@camp-acme\.example$/);
    expect(masked.body.items[0].address).toContain('*');
    expect((await m.get(`/api/campaigns/${id}/recipients?status=failed`)).body.items).toEqual([]);
    expect((await as(app, tokens.rival!).get(`/api/campaigns/${id}/recipients`)).status).toBe(404);
  });

  it('a company can require a second factor for approving above the threshold', async () => {
    await t.deps.orm.em.getKnex().raw('update companies set require_totp_for_approval = true where id = ?', [acme.id]);
    try {
      const m = as(app, tokens.manager!);
      const big = await m.post('/api/campaigns', draft({ name: 'Big spend', budget: '50000.00' }));
      const small = await m.post('/api/campaigns', draft({ name: 'Small spend', budget: '10.00' }));
      await t.deps.orm.em.getKnex().raw(`update companies set approval_always_required = true where id = ?`, [acme.id]);
      expect((await m.post(`/api/campaigns/${big.body.id}/submit`)).body.state.status).toBe('pending_approval');
      expect((await m.post(`/api/campaigns/${small.body.id}/submit`)).body.state.status).toBe('pending_approval');
      const refused = await as(app, tokens.approver!).post(`/api/campaigns/${big.body.id}/approve`, {});
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('second_factor_required');
      // Below the threshold the password alone is enough.
      expect((await as(app, tokens.approver!).post(`/api/campaigns/${small.body.id}/approve`, {})).status).toBe(200);
      await as(app, tokens.approver!).post(`/api/campaigns/${big.body.id}/reject`, { comment: 'cleanup' });
    } finally {
      await t.deps.orm.em.getKnex().raw('update companies set require_totp_for_approval = false, approval_always_required = false where id = ?', [acme.id]);
    }
  });

  it('tracks the links and opens of the e-mails it sends: the click redirects to the recorded link with UTM', async () => {
    const m = as(app, tokens.manager!);
    const created = await m.post(
      '/api/campaigns',
      draft({ name: 'Tracked sale', budget: '10.00', startAt: future(1), content: { email: { subject: 'Sale', html: '<html><body><p>Hi {{ contact.first_name }}, <a href="https://shop.example/sale">shop now</a></p></body></html>', text: 'Hi {{ contact.first_name }}, shop now: https://shop.example/sale.' } } }),
    );
    const id = created.body.id as string;
    expect((await m.post(`/api/campaigns/${id}/submit`)).body.state.status).toBe('scheduled');
    await m.post(`/api/campaigns/${id}/send-now`);
    await waitFor(() => m.get(`/api/campaigns/${id}`), (res) => res.body.state?.status === 'completed', 60_000);
    const mail = smtp.messages().find((msg) => /Subject: Sale/.test(msg.raw ?? ''))!;
    const body = (mail.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const htmlPart = body.slice(body.search(/Content-Type: text\/html/i));
    const click = htmlPart.match(/\/t\/c\/[A-Za-z0-9_-]{2,48}\.[A-Za-z0-9_-]{22}/)?.[0];
    const open = body.match(/\/t\/o\/[A-Za-z0-9_.-]+/)?.[0];
    expect(click).toBeDefined();
    expect(open).toBeDefined();
    expect(body).not.toContain('href="https://shop.example/sale"');
    // The plain-text part carries the same tracked link (same message, same link index), never the bare URL.
    const textPart = body.slice(body.search(/Content-Type: text\/plain/i), body.search(/Content-Type: text\/html/i));
    expect(textPart).toContain(`shop now: http`);
    expect(textPart).not.toContain('https://shop.example/sale');
    expect(textPart.match(/\/t\/c\/[A-Za-z0-9_-]{2,48}\.[A-Za-z0-9_-]{22}/)?.[0]).toBe(click);
    const redirect = await app.request(click!, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36' } });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/^https:\/\/shop\.example\/sale\?utm_source=/);
    const pixel = await app.request(open!, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36' } });
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    const events = await t.deps.orm.em.getKnex().raw(`select type from message_events where campaign_id = ? order by type`, [id]);
    expect(events.rows.map((r: { type: string }) => r.type)).toEqual(expect.arrayContaining(['clicked', 'opened']));
  });

  it('a rejected campaign returns to its creator with the comment, and can be edited and resubmitted', async () => {
    const m = as(app, tokens.manager!);
    const created = await m.post('/api/campaigns', draft({ name: 'Rejected one' }));
    const id = created.body.id as string;
    const submitted = await m.post(`/api/campaigns/${id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const noComment = await as(app, tokens.approver!).post(`/api/campaigns/${id}/reject`, {});
    expect(noComment.status).toBe(422);
    const rejected = await as(app, tokens.approver!).post(`/api/campaigns/${id}/reject`, { comment: 'budget too high' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const after = (await waitFor(() => m.get(`/api/campaigns/${id}`), (res) => res.body.status === 'rejected', 15_000)).body;
    expect(after.approvals.at(-1)).toMatchObject({ decision: 'rejected', comment: 'budget too high' });
    const edited = await m.patch(`/api/campaigns/${id}`, { budget: '900.00' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.status).toBe('draft');
    const again = await m.post(`/api/campaigns/${id}/submit`);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.state.status).toBe('scheduled');
  });
});
