/**
 * Segments through the API against the real PostgreSQL: CRUD with its refusals, the live preview
 * (count checked against a direct count, sample masked by role) and the field catalogue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
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

const east = { field: 'region', op: '=', value: 'East' };
const gold = { field: 'attributes.tier', op: '=', value: 'gold' };

async function campaignUsing(segmentId: string, status: string): Promise<string> {
  const [c] = await sql<{ id: string }>(
    `insert into campaigns (company_id, code, name, type, primary_channel, status, start_at, end_at, currency, created_by_id)
     values (?, ?, 'Uses a segment', 'promotional', 'email', ?, now() + interval '2 days', now() + interval '9 days', 'USD', ?) returning id`,
    [acme.id, `SEG-${Math.random().toString(36).slice(2, 10)}`, status, acme.users.manager.id],
  );
  await sql(`insert into campaign_segments (company_id, campaign_id, segment_id, name) values (?, ?, ?, 'Audience')`, [acme.id, c!.id, segmentId]);
  return c!.id;
}

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  acme = await createApiCompany(t.deps.orm, 'seg-acme');
  rival = await createApiCompany(t.deps.orm, 'seg-rival');
  await addContacts(t.deps.orm, acme.id, 'seg-acme', 1, 300);
  await addContacts(t.deps.orm, rival.id, 'seg-rival', 1, 50);
  for (const role of ['manager', 'approver', 'viewer', 'ops', 'analyst'] as const) tokens[role] = (await signIn(app, acme.users[role].email)).token;
  tokens.rival = (await signIn(app, rival.users.manager.email)).token;
});
afterAll(async () => {
  await t?.close();
});

describe('segment CRUD', () => {
  it('creates a segment, describes its rules and audits it', async () => {
    const res = await api('manager').post('/api/segments', { name: 'East gold', type: 'geographic', rules: { all: [east, gold] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'East gold', type: 'geographic', rules: { all: [east, gold] }, lastCount: null, usedBy: 0 });
    expect(res.body.summary).toMatch(/East/);
    expect(res.body.createdBy).toEqual({ id: acme.users.manager.id, name: expect.any(String) });
    const log = await sql(`select action, actor_id, after->>'name' as name from audit_log where entity_id = ?`, [res.body.id]);
    expect(log).toEqual([{ action: 'segment.created', actor_id: acme.users.manager.id, name: 'East gold' }]);
  });

  it('names the offending node of a bad rule tree, unknown fields and a taken name', async () => {
    const bad = await api('manager').post('/api/segments', { name: 'Bad', rules: { all: [east, { field: 'region', op: '>', value: 'x' }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues).toEqual([{ field: 'rules.all[1].op', message: expect.stringContaining('does not apply to region') }]);
    const unknown = await api('manager').post('/api/segments', { name: 'Extra', rules: null, colour: 'red' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.issues[0]).toEqual({ field: 'colour', message: 'is not a known field' });
    const noName = await api('manager').post('/api/segments', { rules: null });
    expect(noName.body.error.details.issues[0].field).toBe('name');
    await api('manager').post('/api/segments', { name: 'Taken', rules: null });
    const taken = await api('manager').post('/api/segments', { name: 'taken', rules: null });
    expect(taken.status).toBe(422);
    expect(taken.body.error.details.issues).toEqual([{ field: 'name', message: 'another segment already has this name' }]);
  });

  it('lists with search, type filter and pagination, only the caller company', async () => {
    for (const name of ['List A', 'List B', 'List C']) await api('manager').post('/api/segments', { name, type: 'behavioral', rules: gold });
    await api('rival').post('/api/segments', { name: 'List rival', type: 'behavioral', rules: null });
    const page1 = await api('viewer').get('/api/segments?q=list&type=behavioral&pageSize=2');
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(3);
    expect(page1.body.items.map((s: { name: string }) => s.name)).toEqual(['List A', 'List B']);
    const page2 = await api('viewer').get('/api/segments?q=list&type=behavioral&pageSize=2&page=2');
    expect(page2.body.items.map((s: { name: string }) => s.name)).toEqual(['List C']);
    const badType = await api('viewer').get('/api/segments?type=astrological');
    expect(badType.status).toBe(422);
    expect(badType.body.error.details.issues[0].field).toMatch(/^query\.type/);
  });

  it('gets one segment; another company gets 404 and a malformed id 422', async () => {
    const s = await api('manager').post('/api/segments', { name: 'Get me', rules: east });
    expect((await api('analyst').get(`/api/segments/${s.body.id}`)).body.name).toBe('Get me');
    expect((await api('rival').get(`/api/segments/${s.body.id}`)).status).toBe(404);
    const malformed = await api('manager').get('/api/segments/not-a-uuid');
    expect(malformed.status).toBe(422);
    expect(malformed.body.error.details.issues[0].field).toBe('param.id');
  });

  it('edits a segment with before/after in the audit log and resets its count when the rules change', async () => {
    const s = await api('manager').post('/api/segments', { name: 'Editable', rules: east });
    await api('manager').post('/api/segments/preview', { segmentId: s.body.id });
    const renamed = await api('manager').patch(`/api/segments/${s.body.id}`, { name: 'Edited' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.lastCount).toBe(100);
    const res = await api('manager').patch(`/api/segments/${s.body.id}`, { rules: gold, description: 'gold only' });
    expect(res.body).toMatchObject({ name: 'Edited', rules: gold, description: 'gold only', lastCount: null });
    const log = await sql<{ before: { rules: unknown }; after: { rules: unknown } }>(
      `select before, after from audit_log where entity_id = ? and action = 'segment.updated' order by id`,
      [s.body.id],
    );
    expect(log.at(-1)).toMatchObject({ before: { rules: east }, after: { rules: gold } });
    const bad = await api('manager').patch(`/api/segments/${s.body.id}`, { rules: { any: [east, { field: 'nope', op: '=', value: 1 }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0].field).toBe('rules.any[1].field');
  });

  it("refuses to change the rules under a campaign awaiting approval (409) but allows a rename", async () => {
    const s = await api('manager').post('/api/segments', { name: 'Approved audience', rules: east });
    await campaignUsing(s.body.id, 'pending_approval');
    const res = await api('manager').patch(`/api/segments/${s.body.id}`, { rules: gold });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/pending_approval/);
    expect((await api('manager').get(`/api/segments/${s.body.id}`)).body.rules).toEqual(east);
    expect((await api('manager').patch(`/api/segments/${s.body.id}`, { name: 'Renamed audience' })).status).toBe(200);
  });

  it('refuses to delete a segment a non-draft campaign uses (409); a draft keeps its audience rules', async () => {
    const used = await api('manager').post('/api/segments', { name: 'Used', rules: east });
    await campaignUsing(used.body.id, 'completed');
    const refused = await api('manager').delete(`/api/segments/${used.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('segment_in_use');
    expect((await api('manager').get(`/api/segments/${used.body.id}`)).status).toBe(200);

    const draftOnly = await api('manager').post('/api/segments', { name: 'Draft only', rules: gold });
    const draftId = await campaignUsing(draftOnly.body.id, 'draft');
    expect((await api('manager').delete(`/api/segments/${draftOnly.body.id}`)).status).toBe(204);
    expect((await api('manager').get(`/api/segments/${draftOnly.body.id}`)).status).toBe(404);
    const [audience] = await sql(`select segment_id, demographic_criteria from campaign_segments where campaign_id = ?`, [draftId]);
    expect(audience).toEqual({ segment_id: null, demographic_criteria: gold });
    const log = await sql(`select action from audit_log where entity_id = ? order by id`, [draftOnly.body.id]);
    expect(log.map((l) => l.action)).toEqual(['segment.created', 'segment.deleted']);
  });

  it('refuses roles without the permission (403) and other companies (404)', async () => {
    const s = await api('manager').post('/api/segments', { name: 'Guarded', rules: east });
    expect((await api('viewer').post('/api/segments', { name: 'No', rules: null })).status).toBe(403);
    expect((await api('approver').patch(`/api/segments/${s.body.id}`, { name: 'No' })).status).toBe(403);
    expect((await api('analyst').delete(`/api/segments/${s.body.id}`)).status).toBe(403);
    expect((await api('rival').patch(`/api/segments/${s.body.id}`, { name: 'Hijack' })).status).toBe(404);
    expect((await api('rival').delete(`/api/segments/${s.body.id}`)).status).toBe(404);
    expect((await api('manager').get(`/api/segments/${s.body.id}`)).body.name).toBe('Guarded');
  });
});

describe('segment preview', () => {
  it('counts exactly what a direct count gives, with a sample of matching contacts', async () => {
    const rules = { all: [east, gold] };
    const res = await api('manager').post('/api/segments/preview', { rules, sampleSize: 5 });
    expect(res.status).toBe(200);
    const [direct] = await sql<{ n: string }>(`select count(*) as n from contacts where company_id = ? and region = 'East' and attributes->>'tier' = 'gold'`, [acme.id]);
    expect(res.body.count).toBe(Number(direct!.n));
    expect(res.body.count).toBe(50);
    expect(res.body.sample).toHaveLength(5);
    for (const c of res.body.sample) expect(c).toMatchObject({ region: 'East', attributes: { tier: 'gold' }, email: expect.stringMatching(/^c\d+@seg-acme\.example$/) });
    expect(res.body.masked).toBe(false);
    const everyone = await api('manager').post('/api/segments/preview', { rules: null });
    expect(everyone.body.count).toBe(300);
  });

  it('masks the sample for analyst and viewer, not for manager or ops', async () => {
    for (const role of ['analyst', 'viewer']) {
      const res = await api(role).post('/api/segments/preview', { rules: east, sampleSize: 3 });
      expect(res.status).toBe(200);
      expect(res.body.masked).toBe(true);
      for (const c of res.body.sample) {
        expect(c.email).toMatch(/^c\*\*\*@seg-acme\.example$/);
        expect(c.phone).toMatch(/^\+1\*{6}\d{4}$/);
      }
    }
    const ops = await api('ops').post('/api/segments/preview', { rules: east, sampleSize: 1 });
    expect(ops.body.sample[0].phone).toMatch(/^\+1555\d{7}$/);
  });

  it('saves the count of a saved segment; another company’s segment is 404', async () => {
    const s = await api('manager').post('/api/segments', { name: 'Counted', rules: gold });
    const res = await api('viewer').post('/api/segments/preview', { segmentId: s.body.id });
    expect(res.body.count).toBe(150);
    const after = await api('viewer').get(`/api/segments/${s.body.id}`);
    expect(after.body.lastCount).toBe(150);
    expect(after.body.countedAt).toBe(res.body.countedAt);
    expect((await api('rival').post('/api/segments/preview', { segmentId: s.body.id })).status).toBe(404);
    const rivalEveryone = await api('rival').post('/api/segments/preview', { rules: null });
    expect(rivalEveryone.body.count).toBe(50);
  });

  it('names the bad node, and refuses both or neither of rules and segmentId', async () => {
    const bad = await api('manager').post('/api/segments/preview', { rules: { all: [east, { not: { field: 'created_at', op: 'within_last', value: 0 } }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues).toEqual([{ field: 'rules.all[1].not.value', message: expect.stringContaining('whole number of days') }]);
    const both = await api('manager').post('/api/segments/preview', { rules: null, segmentId: '00000000-0000-4000-8000-000000000000' });
    expect(both.body.error.details.issues[0].field).toBe('rules');
    const neither = await api('manager').post('/api/segments/preview', {});
    expect(neither.status).toBe(422);
    const size = await api('manager').post('/api/segments/preview', { rules: null, sampleSize: 500 });
    expect(size.body.error.details.issues[0].field).toBe('sampleSize');
  });
});

describe('segment field catalogue', () => {
  it('lists the contact fields with the operators that apply, for any signed-in reader', async () => {
    const res = await api('viewer').get('/api/segments/fields');
    expect(res.status).toBe(200);
    const region = res.body.fields.find((f: { field: string }) => f.field === 'region');
    expect(region).toEqual({ field: 'region', label: 'Region', type: 'string', operators: expect.arrayContaining(['=', 'in', 'contains']) });
    expect(res.body.fields.find((f: { field: string }) => f.field === 'unsubscribed').operators).toEqual(['=', '!=']);
    expect(res.body.attributes.prefix).toBe('attributes.');
    expect((await app.request('/api/segments/fields')).status).toBe(401);
  });
});
