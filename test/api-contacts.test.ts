/**
 * Contacts, consent, suppressions and CSV import through the API against the real PostgreSQL:
 * personal fields masked for roles without pii:read, an import report by line, and nothing left
 * behind by an import that fails half-way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { apiRoutes, createApp } from '../api/app.ts';
import { toErrorResponse } from '../api/errors.ts';
import { csvBytesOf, importContacts, utf8 } from '../api/contacts/import.ts';
import { forkForCompany } from '../db/tenant.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { addContacts } from './fixtures/campaigns.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let rival: ApiCompany;
const tokens: Record<string, string> = {};
const api = (who: string) => as(app, tokens[who]!);
const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  t.deps.orm.em.getKnex().raw<{ rows: T[] }>(text, params as never[]).then((r) => r.rows);
const countOf = async (companyId: string) => Number((await sql<{ n: string }>(`select count(*) as n from contacts where company_id = ?`, [companyId]))[0]!.n);

/** `bytes` as a body arriving 4 KiB at a time, as a large upload does. */
function trickle(bytes: Uint8Array, size = 4096): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(sent, sent + size));
      sent += size;
    },
  });
}

async function importCsv(who: string, csv: string | Uint8Array | ReadableStream<Uint8Array>, type = 'text/csv') {
  const res = await app.request('/api/contacts/import', {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': type },
    body: csv,
    ...(csv instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  // Read field by field in assertions, as in fixtures/api-world.ts.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  acme = await createApiCompany(t.deps.orm, 'ct-acme');
  rival = await createApiCompany(t.deps.orm, 'ct-rival');
  await addContacts(t.deps.orm, acme.id, 'ct-acme', 1, 30);
  for (const role of ['admin', 'manager', 'approver', 'viewer', 'ops', 'analyst'] as const) tokens[role] = (await signIn(app, acme.users[role].email)).token;
  tokens.rival = (await signIn(app, rival.users.manager.email)).token;
});
afterAll(async () => {
  await t?.close();
});

describe('contact CRUD', () => {
  it('creates a contact with normalised addresses and audits it', async () => {
    const res = await api('manager').post('/api/contacts', { email: ' Ann.Lee@Example.COM ', phone: '+1 (555) 010-2030', firstName: 'Ann', region: 'East', timeZone: 'Europe/Paris', attributes: { tier: 'gold', spend: 120 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'ann.lee@example.com', phone: '+15550102030', firstName: 'Ann', attributes: { tier: 'gold', spend: 120 }, consent: {}, masked: false });
    const log = await sql(`select action, actor_id, after->>'email' as email from audit_log where entity_id = ?`, [res.body.id]);
    expect(log).toEqual([{ action: 'contact.created', actor_id: acme.users.manager.id, email: 'ann.lee@example.com' }]);
  });

  it('names each bad field, a taken e-mail and a contact with no address', async () => {
    const bad = await api('manager').post('/api/contacts', { email: 'nope', phone: '555-1234', timeZone: 'Mars/Base' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['email', 'phone', 'timeZone']);
    const none = await api('manager').post('/api/contacts', { firstName: 'Nobody' });
    expect(none.body.error.details.issues).toEqual([{ field: 'email', message: expect.stringMatching(/at least one of email/) }]);
    const taken = await api('manager').post('/api/contacts', { email: 'C1@ct-acme.example' });
    expect(taken.status).toBe(422);
    expect(taken.body.error.details.issues[0]).toEqual({ field: 'email', message: 'another contact already has this e-mail address' });
    const extra = await api('manager').post('/api/contacts', { email: 'x@y.io', password: 'x' });
    expect(extra.status).toBe(422);
    expect(JSON.stringify(extra.body)).toMatch(/password/);
  });

  it('lists with search, region, consent and unsubscribed filters', async () => {
    await sql(`update contacts set unsubscribed_at = now(), consent = '{}' where company_id = ? and email in ('c3@ct-acme.example', 'c6@ct-acme.example')`, [acme.id]);
    const east = await api('manager').get('/api/contacts?region=East&pageSize=100');
    expect(east.body.items.every((c: { region: string }) => c.region === 'East')).toBe(true);
    expect(east.body.total).toBe(Number((await sql<{ n: string }>(`select count(*) as n from contacts where company_id = ? and region = 'East'`, [acme.id]))[0]!.n));
    const unsub = await api('manager').get('/api/contacts?unsubscribed=true');
    expect(unsub.body.items.map((c: { email: string }) => c.email).sort()).toEqual(['c3@ct-acme.example', 'c6@ct-acme.example']);
    // Ann (created above) never gave SMS consent; c3 and c6 lost theirs.
    const noSms = await api('manager').get('/api/contacts?consent=sms&consentGranted=false&region=Central,West,East');
    expect(noSms.body.items.map((c: { email: string }) => c.email).sort()).toEqual(['ann.lee@example.com', 'c3@ct-acme.example', 'c6@ct-acme.example']);
    const withSms = await api('manager').get('/api/contacts?consent=sms');
    expect(withSms.body.total).toBe(28);
    const found = await api('manager').get('/api/contacts?q=c12@');
    expect(found.body.items.map((c: { email: string }) => c.email)).toEqual(['c12@ct-acme.example']);
    const byName = await api('manager').get('/api/contacts?q=First12%20Last12');
    expect(byName.body.total).toBe(1);
    const page = await api('manager').get('/api/contacts?pageSize=7&page=2&sort=email&order=asc');
    expect(page.body).toMatchObject({ page: 2, pageSize: 7 });
    expect(page.body.items).toHaveLength(7);
    const bad = await api('manager').get('/api/contacts?consent=pigeon');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0].field).toBe('query.consent');
  });

  it('masks personal fields for analyst and viewer, not for manager, admin or ops', async () => {
    for (const role of ['analyst', 'viewer']) {
      const res = await api(role).get('/api/contacts?q=First7&pageSize=1');
      expect(res.body.items[0]).toMatchObject({ email: 'c***@ct-acme.example', phone: '+1******0007', firstName: 'First7', masked: true });
    }
    for (const role of ['manager', 'admin', 'ops']) {
      const res = await api(role).get('/api/contacts?q=First7&pageSize=1');
      expect(res.body.items[0]).toMatchObject({ email: 'c7@ct-acme.example', phone: '+15550000007', masked: false });
    }
    // Without pii:read a search does not match on e-mail, so addresses cannot be probed through it.
    expect((await api('viewer').get('/api/contacts?q=c7@ct-acme')).body.total).toBe(0);
    const [c7] = await sql<{ id: string }>(`select id from contacts where email = 'c7@ct-acme.example'`);
    const one = await api('viewer').get(`/api/contacts/${c7!.id}`);
    expect(one.body).toMatchObject({ email: 'c***@ct-acme.example', phone: '+1******0007', masked: true });
    expect((await api('manager').get(`/api/contacts/${c7!.id}`)).body.email).toBe('c7@ct-acme.example');
  });

  it('edits a contact, merging attributes, with before/after in the audit log', async () => {
    const c = await api('manager').post('/api/contacts', { email: 'edit@ct-acme.example', attributes: { tier: 'silver', keep: 1, drop: 'x' } });
    const res = await api('manager').patch(`/api/contacts/${c.body.id}`, { lastName: 'Edited', attributes: { tier: 'gold', drop: null } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: 'edit@ct-acme.example', lastName: 'Edited', attributes: { tier: 'gold', keep: 1 } });
    expect(res.body.attributes).not.toHaveProperty('drop');
    const [log] = await sql(`select before->'attributes' as b, after->'attributes' as a from audit_log where entity_id = ? and action = 'contact.updated'`, [c.body.id]);
    expect(log).toEqual({ b: { tier: 'silver', keep: 1, drop: 'x' }, a: { tier: 'gold', keep: 1 } });
    const bad = await api('manager').patch(`/api/contacts/${c.body.id}`, { whatsappNumber: 'abc' });
    expect(bad.body.error.details.issues[0].field).toBe('whatsappNumber');
    const emptied = await api('manager').patch(`/api/contacts/${c.body.id}`, { email: null });
    expect(emptied.body.error.details.issues[0].field).toBe('email');
  });

  it('deletes a contact; its suppressed address stays suppressed', async () => {
    const c = await api('manager').post('/api/contacts', { email: 'gone@ct-acme.example' });
    await api('manager').post('/api/suppressions', { channel: 'email', address: 'gone@ct-acme.example' });
    expect((await api('manager').delete(`/api/contacts/${c.body.id}`)).status).toBe(204);
    expect((await api('manager').get(`/api/contacts/${c.body.id}`)).status).toBe(404);
    expect(await sql(`select address from suppressions where company_id = ? and address = 'gone@ct-acme.example'`, [acme.id])).toHaveLength(1);
    expect((await sql(`select action from audit_log where entity_id = ? order by id`, [c.body.id])).map((r) => r.action)).toEqual(['contact.created', 'contact.deleted']);
  });

  it('refuses roles without the permission (403) and other companies (404)', async () => {
    const c = await api('manager').post('/api/contacts', { email: 'guarded@ct-acme.example' });
    const id = c.body.id;
    expect((await api('viewer').post('/api/contacts', { email: 'v@ct-acme.example' })).status).toBe(403);
    expect((await api('analyst').patch(`/api/contacts/${id}`, { firstName: 'No' })).status).toBe(403);
    expect((await api('ops').delete(`/api/contacts/${id}`)).status).toBe(403);
    expect((await api('approver').post(`/api/contacts/${id}/consent`, { channel: 'email', granted: true, source: 'form' })).status).toBe(403);
    for (const res of [
      await api('rival').get(`/api/contacts/${id}`),
      await api('rival').patch(`/api/contacts/${id}`, { firstName: 'Hijack' }),
      await api('rival').delete(`/api/contacts/${id}`),
      await api('rival').post(`/api/contacts/${id}/consent`, { channel: 'email', granted: false, source: 'rival' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await api('rival').get('/api/contacts')).body.total).toBe(0);
    expect((await api('manager').get(`/api/contacts/${id}`)).body.firstName).toBeNull();
  });
});

describe('consent', () => {
  it('records consent per channel with its source and time, and audits the change', async () => {
    const c = await api('manager').post('/api/contacts', { email: 'consent@ct-acme.example', phone: '+15559990000' });
    const granted = await api('manager').post(`/api/contacts/${c.body.id}/consent`, { channel: 'sms', granted: true, source: 'preference-form' });
    expect(granted.status).toBe(200);
    expect(granted.body.consent.sms).toEqual({ granted: true, source: 'preference-form', at: expect.any(String) });
    const withdrawn = await api('manager').post(`/api/contacts/${c.body.id}/consent`, { channel: 'sms', granted: false, source: 'call-centre' });
    expect(withdrawn.body.consent.sms).toMatchObject({ granted: false, source: 'call-centre' });
    const log = await sql(`select before->'consent'->>'source' as b, after->'consent'->>'source' as a from audit_log where entity_id = ? and action = 'contact.consent_updated' order by id`, [c.body.id]);
    expect(log).toEqual([{ b: null, a: 'preference-form' }, { b: 'preference-form', a: 'call-centre' }]);
    const bad = await api('manager').post(`/api/contacts/${c.body.id}/consent`, { channel: 'fax', granted: true, source: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['channel', 'source']);
  });
});

describe('suppressions', () => {
  it('suppresses a normalised address once, lists it masked by role, and lifts it', async () => {
    const first = await api('manager').post('/api/suppressions', { channel: 'sms', address: '+1 555 222 3333', reason: 'inbound_stop', source: 'support' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ channel: 'sms', address: '+15552223333', reason: 'inbound_stop', source: 'support' });
    const again = await api('manager').post('/api/suppressions', { channel: 'sms', address: '+15552223333' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const masked = await api('analyst').get('/api/suppressions?channel=sms');
    expect(masked.body.items).toEqual([expect.objectContaining({ id: first.body.id, address: '+1******3333' })]);
    expect((await api('analyst').get('/api/suppressions?q=555')).status).toBe(403);
    expect((await api('manager').get('/api/suppressions?q=2223')).body.items[0].address).toBe('+15552223333');
    expect((await api('rival').delete(`/api/suppressions/${first.body.id}`)).status).toBe(404);
    expect((await api('viewer').delete(`/api/suppressions/${first.body.id}`)).status).toBe(403);
    expect((await api('manager').delete(`/api/suppressions/${first.body.id}`)).status).toBe(204);
    expect((await api('manager').get('/api/suppressions?channel=sms')).body.total).toBe(0);
    const log = await sql(`select action from audit_log where entity_id = ? order by id`, [first.body.id]);
    expect(log.map((l) => l.action)).toEqual(['suppression.created', 'suppression.deleted']);
  });

  it('names a bad address or channel, and refuses roles without create', async () => {
    const bad = await api('manager').post('/api/suppressions', { channel: 'email', address: 'not an address' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0].field).toBe('address');
    const channel = await api('manager').post('/api/suppressions', { channel: 'pager', address: 'x' });
    expect(channel.body.error.details.issues[0].field).toBe('channel');
    expect((await api('ops').post('/api/suppressions', { channel: 'email', address: 'a@b.io' })).status).toBe(403);
  });
});

describe('CSV import', () => {
  it('upserts on e-mail and reports every rejected row with its line number', async () => {
    await api('manager').post('/api/contacts', { email: 'known@ct-acme.example', firstName: 'Known', region: 'West', attributes: { tier: 'silver', since: 2020 } });
    const csv = [
      'email,first_name,last_name,phone,region,attributes.tier,consent_email',
      'new1@ct-acme.example,New,One,+15551110001,East,gold,yes',
      'not-an-email,Bad,Mail,,East,,',
      '"KNOWN@ct-acme.example",,Updated,,,gold,no',
      'new2@ct-acme.example,"Two, the second",Two,555-0102,East,,',
      'new3@ct-acme.example,Three',
      'new4@ct-acme.example,"Multi',
      'line",Four,,,,',
      'new1@ct-acme.example,Again,,,,,',
      'new5@ct-acme.example,Fi"ve,,,,,',
      'new6@ct-acme.example,Six,,,North,,maybe',
      '',
      'new7@ct-acme.example,Seven,,,,02134,1',
    ].join('\r\n');
    const before = await countOf(acme.id);
    const res = await importCsv('manager', csv);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      inserted: 3,
      updated: 1,
      rejectedCount: 6,
      rejected: [
        { line: 3, reason: 'email: must be an e-mail address' },
        { line: 5, reason: expect.stringMatching(/^phone: must be a phone number in E\.164/) },
        { line: 6, reason: 'has 2 fields, the header has 7' },
        { line: 9, reason: 'email: new1@ct-acme.example is already on line 2' },
        { line: 10, reason: expect.stringMatching(/quote .* inside an unquoted field/) },
        { line: 11, reason: expect.stringMatching(/^consent_email/) },
      ],
    });
    expect(await countOf(acme.id)).toBe(before + 3);
    const rows = await sql(
      `select email, first_name, last_name, region, attributes, consent->'email'->>'granted' as email_consent, consent->'email'->>'source' as source
         from contacts where company_id = ? and email in ('new1@ct-acme.example', 'known@ct-acme.example', 'new4@ct-acme.example', 'new7@ct-acme.example') order by email`,
      [acme.id],
    );
    expect(rows).toEqual([
      // Empty cells keep what was stored; attributes and consent are merged.
      { email: 'known@ct-acme.example', first_name: 'Known', last_name: 'Updated', region: 'West', attributes: { tier: 'gold', since: 2020 }, email_consent: 'false', source: 'import' },
      { email: 'new1@ct-acme.example', first_name: 'New', last_name: 'One', region: 'East', attributes: { tier: 'gold' }, email_consent: 'true', source: 'import' },
      { email: 'new4@ct-acme.example', first_name: 'Multi\r\nline', last_name: 'Four', region: null, attributes: {}, email_consent: null, source: null },
      { email: 'new7@ct-acme.example', first_name: 'Seven', last_name: null, region: null, attributes: { tier: '02134' }, email_consent: 'true', source: 'import' },
    ]);
    const [log] = await sql(`select after from audit_log where action = 'contact.imported' and company_id = ? order by id desc limit 1`, [acme.id]);
    expect(log!.after).toEqual({ inserted: 3, updated: 1, rejectedCount: 6 });
  });

  it('takes the CSV as the "file" field of a multipart form', async () => {
    const form = new FormData();
    form.set('file', new Blob(['email,region\nform1@ct-acme.example,East\nform2@ct-acme.example,West\n'], { type: 'text/csv' }), 'contacts.csv');
    const res = await app.request('/api/contacts/import', { method: 'POST', headers: { authorization: `Bearer ${tokens.manager}` }, body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ inserted: 2, updated: 0, rejected: [], rejectedCount: 0 });
    const noFile = new FormData();
    noFile.set('other', 'x');
    const missing = await app.request('/api/contacts/import', { method: 'POST', headers: { authorization: `Bearer ${tokens.manager}` }, body: noFile });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { details: { issues: { field: string }[] } } }).error.details.issues[0]!.field).toBe('file');
  });

  it('imports nothing when a fatal error comes after whole chunks were written (invalid UTF-8 on the last line)', async () => {
    const before = await countOf(acme.id);
    const lines = ['email,first_name'];
    for (let i = 0; i < 5000; i++) lines.push(`fatal${i}@ct-acme.example,Row${i}`);
    const good = new TextEncoder().encode(`${lines.join('\n')}\nbroken@ct-acme.example,`);
    const body = new Uint8Array(good.length + 2);
    body.set(good);
    body.set([0xc3, 0x28], good.length);
    // About 160 KiB: several 500-row chunks are upserted (the first about 15 KiB in) before the bad bytes are read.
    const res = await importCsv('manager', trickle(body));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_encoding');
    expect(res.body.error.details.issues[0].field).toBe('body');
    expect(await countOf(acme.id)).toBe(before);
    expect(await sql(`select 1 from contacts where email like 'fatal%@ct-acme.example'`)).toHaveLength(0);
  });

  it('imports nothing when the stream passes the size limit half-way', async () => {
    const before = await countOf(acme.id);
    const lines = ['email'];
    for (let i = 0; i < 2000; i++) lines.push(`big${i}@ct-acme.example`);
    const stream = trickle(new TextEncoder().encode(lines.join('\n')));
    const req = new Request('http://herald.test/api/contacts/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: stream, duplex: 'half' } as RequestInit);
    const em = forkForCompany(t.deps.orm.em, acme.id);
    const caller = { userId: acme.users.manager.id, companyId: acme.id, role: 'manager' as const, email: '', name: '' };
    const limit = 20_000; // about 800 rows: past the first 500-row chunk
    await expect(em.transactional(async (tx) => importContacts(tx, caller, utf8(await csvBytesOf(req, limit))))).rejects.toMatchObject({ status: 413 });
    expect(await countOf(acme.id)).toBe(before);
  });

  it('streams a CSV larger than the 1 MiB JSON limit through the import route, which keeps its own limit', async () => {
    // app.ts limits /api/* bodies to 1 MiB before routing; the import route, exempted there, counts
    // its body as it reads it (50 MiB). Mounted here without the global limit, as app.ts will.
    const bare = new Hono();
    bare.onError((err, c) => toErrorResponse(err, c));
    bare.route('/api', apiRoutes(t.deps));
    const before = await countOf(acme.id);
    const lines = ['email,first_name,region,attributes.batch'];
    for (let i = 0; i < 40_000; i++) lines.push(`bulk${i}@ct-acme.example,Bulk ${i},${['East', 'West'][i % 2]},${i}`);
    const bytes = new TextEncoder().encode(lines.join('\n'));
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const res = await bare.request('/api/contacts/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.manager}`, 'content-type': 'text/csv' },
      body: trickle(bytes, 64 * 1024),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ inserted: 40_000, updated: 0, rejected: [], rejectedCount: 0 });
    expect(await countOf(acme.id)).toBe(before + 40_000);
    const [last] = await sql(`select first_name, region, attributes from contacts where company_id = ? and email = 'bulk39999@ct-acme.example'`, [acme.id]);
    expect(last).toEqual({ first_name: 'Bulk 39999', region: 'West', attributes: { batch: 39999 } });
  });

  it('refuses a bad header as a whole, naming the column, and writes nothing', async () => {
    const before = await countOf(acme.id);
    const res = await importCsv('manager', 'email,colour,attributes.bad key\nx@ct-acme.example,red,1\n');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_csv_header');
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['header[1]', 'header[2]']);
    const noEmail = await importCsv('manager', 'first_name\nAnn\n');
    expect(noEmail.body.error.details.issues[0].field).toBe('header');
    const empty = await importCsv('manager', '');
    expect(empty.status).toBe(422);
    const json = await importCsv('manager', '{}', 'application/json');
    expect(json.status).toBe(422);
    expect(await countOf(acme.id)).toBe(before);
  });

  it('keeps companies apart and needs the create permission', async () => {
    const res = await importCsv('rival', 'email,first_name\nc1@ct-acme.example,Rival\n');
    expect(res.body).toMatchObject({ inserted: 1, updated: 0 });
    expect((await sql(`select first_name from contacts where company_id = ? and email = 'c1@ct-acme.example'`, [acme.id]))[0]).toEqual({ first_name: 'First1' });
    expect((await importCsv('viewer', 'email\nv@ct-acme.example\n')).status).toBe(403);
    expect((await importCsv('analyst', 'email\nv@ct-acme.example\n')).status).toBe(403);
  });
});
