/**
 * Templates and budgets through the API against the real PostgreSQL: CRUD with seed 001's filters,
 * the refusals (validation naming the field, 403, another company's id 404, in use 409), and a
 * budget's utilisation checked against the campaigns drawing on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let rival: ApiCompany;
const tokens: Record<string, string> = {};
const api = (who: string) => as(app, tokens[who]!);
const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  t.deps.orm.em.getKnex().raw<{ rows: T[] }>(text, params as never[]).then((r) => r.rows);

async function campaign(status: string, spend = '0', currency = 'USD'): Promise<string> {
  const [c] = await sql<{ id: string }>(
    `insert into campaigns (company_id, code, name, type, primary_channel, status, start_at, end_at, currency, actual_spend, created_by_id)
     values (?, ?, ?, 'promotional', 'email', ?, now() + interval '2 days', now() + interval '9 days', ?, ?, ?) returning id`,
    [acme.id, `CAT-${status}-${Math.random().toString(36).slice(2, 8)}`, `A ${status} campaign`, status, currency, spend, acme.users.manager.id],
  );
  return c!.id;
}
const allocate = (campaignId: string, budgetId: string, amount: string) =>
  sql(`insert into campaign_budget_allocations (company_id, campaign_id, budget_id, amount) values (?, ?, ?, ?)`, [acme.id, campaignId, budgetId, amount]);

const template = (over: Record<string, unknown> = {}) => ({
  code: 'TPL-WELCOME',
  name: 'Welcome',
  type: 'newsletter',
  channel: 'email',
  content: { email: { subject: 'Welcome {{ contact.first_name }}', html: '<p>Hello</p>' } },
  ...over,
});
const budget = (over: Record<string, unknown> = {}) => ({ code: 'FY26-MKT', name: 'Marketing 2026', type: 'marketing', fiscalYear: 2026, totalAmount: '50000', ...over });

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  acme = await createApiCompany(t.deps.orm, 'cat-acme');
  rival = await createApiCompany(t.deps.orm, 'cat-rival');
  await sql(`update companies set supported_currencies = '{USD,EUR,JPY}' where id = ?`, [acme.id]);
  for (const role of ['manager', 'approver', 'viewer', 'ops', 'analyst'] as const) tokens[role] = (await signIn(app, acme.users[role].email)).token;
  tokens.rival = (await signIn(app, rival.users.manager.email)).token;
});
afterAll(async () => {
  await t?.close();
});

describe('templates', () => {
  it('creates a template and audits it', async () => {
    const res = await api('manager').post('/api/templates', template({ assetReferences: ['s3://assets/logo.png'] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'TPL-WELCOME', type: 'newsletter', channel: 'email', isActive: true, isDefault: false, usageCount: 0, usedBy: 0 });
    expect(res.body.content.email.subject).toBe('Welcome {{ contact.first_name }}');
    const log = await sql(`select action, after->>'code' as code from audit_log where entity_id = ?`, [res.body.id]);
    expect(log).toEqual([{ action: 'template.created', code: 'TPL-WELCOME' }]);
  });

  it('names bad fields, unknown fields and a taken code', async () => {
    const bad = await api('manager').post('/api/templates', template({ code: 'has space', type: 'jingle', content: { email: { subject: '' } } }));
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['code', 'type', 'content.email.subject', 'content.email.html']));
    const taken = await api('manager').post('/api/templates', template());
    expect(taken.status).toBe(422);
    expect(taken.body.error.details.issues).toEqual([{ field: 'code', message: 'another template already has this code' }]);
    const extra = await api('manager').post('/api/templates', template({ code: 'TPL-X', usageCount: 99 }));
    expect(extra.status).toBe(422);
    expect(JSON.stringify(extra.body)).toMatch(/usageCount/);
  });

  it("filters by seed 001's is_active and template_type, and by channel and text", async () => {
    await api('manager').post('/api/templates', template({ code: 'TPL-PROMO', name: 'Promo', type: 'promotional' }));
    await api('manager').post('/api/templates', template({ code: 'TPL-OLD', name: 'Old promo', type: 'promotional', isActive: false }));
    await api('manager').post('/api/templates', template({ code: 'TPL-SMS', name: 'SMS promo', type: 'promotional', channel: 'sms', content: { sms: { body: 'Sale!' } } }));
    await api('rival').post('/api/templates', template({ code: 'TPL-PROMO', type: 'promotional' }));
    const active = await api('viewer').get('/api/templates?is_active=true&template_type=promotional');
    expect(active.body.items.map((x: { code: string }) => x.code)).toEqual(['TPL-PROMO', 'TPL-SMS']);
    expect((await api('viewer').get('/api/templates?is_active=false')).body.items.map((x: { code: string }) => x.code)).toEqual(['TPL-OLD']);
    expect((await api('viewer').get('/api/templates?channel=sms')).body.total).toBe(1);
    expect((await api('viewer').get('/api/templates?q=old')).body.items.map((x: { code: string }) => x.code)).toEqual(['TPL-OLD']);
    const bad = await api('viewer').get('/api/templates?is_active=maybe');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0].field).toBe('query.is_active');
  });

  it('keeps one default per type and channel', async () => {
    const a = await api('manager').post('/api/templates', template({ code: 'TPL-D1', type: 'survey', isDefault: true }));
    const b = await api('manager').post('/api/templates', template({ code: 'TPL-D2', type: 'survey' }));
    const res = await api('manager').patch(`/api/templates/${b.body.id}`, { isDefault: true, name: 'New default' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ isDefault: true, name: 'New default' });
    expect((await api('manager').get(`/api/templates/${a.body.id}`)).body.isDefault).toBe(false);
    const [log] = await sql(`select before->>'name' as b, after->>'name' as a, after->'clearedDefaults' as cleared from audit_log where entity_id = ? and action = 'template.updated'`, [b.body.id]);
    expect(log).toEqual({ b: 'Welcome', a: 'New default', cleared: [a.body.id] });
  });

  it('refuses to delete a template a campaign uses (409); deletes an unused one', async () => {
    const used = await api('manager').post('/api/templates', template({ code: 'TPL-USED' }));
    await sql(`insert into campaign_template_links (company_id, campaign_id, template_id) values (?, ?, ?)`, [acme.id, await campaign('draft'), used.body.id]);
    const refused = await api('manager').delete(`/api/templates/${used.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('template_in_use');
    const unused = await api('manager').post('/api/templates', template({ code: 'TPL-GONE' }));
    expect((await api('manager').delete(`/api/templates/${unused.body.id}`)).status).toBe(204);
    expect((await api('manager').get(`/api/templates/${unused.body.id}`)).status).toBe(404);
    expect((await sql(`select action from audit_log where entity_id = ? order by id`, [unused.body.id])).map((r) => r.action)).toEqual(['template.created', 'template.deleted']);
  });

  it('refuses roles without the permission (403) and other companies (404)', async () => {
    const own = await api('manager').post('/api/templates', template({ code: 'TPL-GUARD' }));
    expect((await api('viewer').post('/api/templates', template({ code: 'TPL-V' }))).status).toBe(403);
    expect((await api('analyst').patch(`/api/templates/${own.body.id}`, { name: 'No' })).status).toBe(403);
    expect((await api('ops').delete(`/api/templates/${own.body.id}`)).status).toBe(403);
    for (const res of [
      await api('rival').get(`/api/templates/${own.body.id}`),
      await api('rival').patch(`/api/templates/${own.body.id}`, { name: 'Hijack' }),
      await api('rival').delete(`/api/templates/${own.body.id}`),
    ])
      expect(res.status).toBe(404);
    expect((await api('manager').get(`/api/templates/${own.body.id}`)).body.name).toBe('Welcome');
  });
});

describe('budgets', () => {
  it('creates a budget in the company currency, money as decimal strings, and audits it', async () => {
    const res = await api('manager').post('/api/budgets', budget({ approvalThreshold: '2500.5', costCentres: ['CC-100'] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'FY26-MKT', fiscalYear: 2026, total: { amount: '50000.00', currency: 'USD' }, approvalThreshold: { amount: '2500.50', currency: 'USD' }, costCentres: ['CC-100'], campaigns: 0 });
    const log = await sql(`select action, after->'total' as total from audit_log where entity_id = ?`, [res.body.id]);
    expect(log).toEqual([{ action: 'budget.created', total: { amount: '50000.00', currency: 'USD' } }]);
    const yen = await api('manager').post('/api/budgets', budget({ code: 'FY26-JP', currency: 'JPY', totalAmount: '1000000' }));
    expect(yen.body.total).toEqual({ amount: '1000000', currency: 'JPY' });
  });

  it('names bad money, a currency the company does not use, a bad year and a taken code', async () => {
    const money = await api('manager').post('/api/budgets', budget({ code: 'B1', totalAmount: '10.005' }));
    expect(money.status).toBe(422);
    expect(money.body.error.details.issues).toEqual([{ field: 'totalAmount', message: 'must have at most 2 decimal places' }]);
    const float = await api('manager').post('/api/budgets', budget({ code: 'B2', totalAmount: 100.5 }));
    expect(float.body.error.details.issues[0].field).toBe('totalAmount');
    const currency = await api('manager').post('/api/budgets', budget({ code: 'B3', currency: 'GBP' }));
    expect(currency.body.error.details.issues[0]).toEqual({ field: 'currency', message: expect.stringContaining("not one of the company's currencies") });
    const year = await api('manager').post('/api/budgets', budget({ code: 'B4', fiscalYear: 1999 }));
    expect(year.body.error.details.issues[0].field).toBe('fiscalYear');
    const taken = await api('manager').post('/api/budgets', budget());
    expect(taken.body.error.details.issues).toEqual([{ field: 'code', message: 'another budget already has this code' }]);
  });

  it("filters by seed 001's fiscal_year and is_active", async () => {
    await api('manager').post('/api/budgets', budget({ code: 'FY25-MKT', fiscalYear: 2025, isActive: false }));
    await api('manager').post('/api/budgets', budget({ code: 'FY25-EVT', fiscalYear: 2025, type: 'event' }));
    await api('rival').post('/api/budgets', budget({ code: 'FY25-R', fiscalYear: 2025 }));
    expect((await api('viewer').get('/api/budgets?fiscal_year=2025')).body.items.map((b: { code: string }) => b.code).sort()).toEqual(['FY25-EVT', 'FY25-MKT']);
    expect((await api('viewer').get('/api/budgets?fiscal_year=2025&is_active=true')).body.items.map((b: { code: string }) => b.code)).toEqual(['FY25-EVT']);
    expect((await api('viewer').get('/api/budgets?type=event')).body.total).toBe(1);
    const bad = await api('viewer').get('/api/budgets?fiscal_year=next');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0].field).toBe('query.fiscal_year');
  });

  it('reports utilisation from the campaigns drawing on the budget, never as floats', async () => {
    const b = await api('manager').post('/api/budgets', budget({ code: 'UTIL', totalAmount: '10000' }));
    const id = b.body.id;
    await allocate(await campaign('draft'), id, '1000');
    await allocate(await campaign('sending', '1200.5'), id, '3000');
    await allocate(await campaign('scheduled'), id, '2000');
    await allocate(await campaign('completed', '1499.995'), id, '1500');
    await allocate(await campaign('cancelled'), id, '700');
    // A campaign on two budgets: a quarter of its allocation (and so of its spend) is on this one.
    const shared = await campaign('paused', '400');
    await allocate(shared, id, '250');
    const other = await api('manager').post('/api/budgets', budget({ code: 'UTIL-2', totalAmount: '5000' }));
    await allocate(shared, other.body.id, '750');

    const res = await api('analyst').get(`/api/budgets/${id}/utilisation`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      budgetId: id,
      currency: 'USD',
      total: '10000.00',
      allocated: '7750.00',
      committed: '5250.00',
      spent: '2800.50',
      // 10000 − 2800.495 spent − (3000 − 1200.5) − 2000 − (250 − 100) still committed = 3250.005, rounded once
      remaining: '3250.01',
      warnings: [],
    });
    expect(res.body.campaigns).toHaveLength(6);
    expect(res.body.campaigns.find((c: { id: string }) => c.id === shared)).toMatchObject({ status: 'paused', allocated: '250.00', spent: '100.00' });
    for (const key of ['total', 'allocated', 'committed', 'spent', 'remaining']) expect(typeof res.body[key]).toBe('string');
    expect((await api('manager').get(`/api/budgets/${id}`)).body.campaigns).toBe(6);
  });

  it('refuses to change the currency or delete a budget campaigns draw on (409); edits and deletes otherwise', async () => {
    const b = await api('manager').post('/api/budgets', budget({ code: 'LOCKED' }));
    await allocate(await campaign('draft'), b.body.id, '100');
    const currency = await api('manager').patch(`/api/budgets/${b.body.id}`, { currency: 'EUR' });
    expect(currency.status).toBe(409);
    expect((await api('manager').delete(`/api/budgets/${b.body.id}`)).status).toBe(409);
    const edited = await api('manager').patch(`/api/budgets/${b.body.id}`, { totalAmount: '60000.10', isActive: false });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ total: { amount: '60000.10', currency: 'USD' }, isActive: false });
    const [log] = await sql(`select before->'total'->>'amount' as b, after->'total'->>'amount' as a from audit_log where entity_id = ? and action = 'budget.updated'`, [b.body.id]);
    expect(log).toEqual({ b: '50000.00', a: '60000.10' });
    const free = await api('manager').post('/api/budgets', budget({ code: 'FREE' }));
    const eur = await api('manager').patch(`/api/budgets/${free.body.id}`, { currency: 'EUR' });
    expect(eur.body.total).toEqual({ amount: '50000.00', currency: 'EUR' });
    const yen = await api('manager').patch(`/api/budgets/${free.body.id}`, { currency: 'JPY', totalAmount: '10.5' });
    expect(yen.body.error.details.issues[0]).toEqual({ field: 'totalAmount', message: 'must be a whole number in this currency' });
    expect((await api('manager').delete(`/api/budgets/${free.body.id}`)).status).toBe(204);
    expect((await api('manager').get(`/api/budgets/${free.body.id}`)).status).toBe(404);
  });

  it('refuses roles without the permission (403) and other companies (404)', async () => {
    const own = await api('manager').post('/api/budgets', budget({ code: 'GUARD' }));
    expect((await api('approver').post('/api/budgets', budget({ code: 'NO' }))).status).toBe(403);
    expect((await api('viewer').patch(`/api/budgets/${own.body.id}`, { name: 'No' })).status).toBe(403);
    expect((await api('analyst').delete(`/api/budgets/${own.body.id}`)).status).toBe(403);
    for (const res of [
      await api('rival').get(`/api/budgets/${own.body.id}`),
      await api('rival').get(`/api/budgets/${own.body.id}/utilisation`),
      await api('rival').patch(`/api/budgets/${own.body.id}`, { name: 'Hijack' }),
      await api('rival').delete(`/api/budgets/${own.body.id}`),
    ])
      expect(res.status).toBe(404);
    expect((await api('manager').get(`/api/budgets/${own.body.id}`)).body.name).toBe('Marketing 2026');
  });
});
