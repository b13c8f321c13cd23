/** Users, roles and company settings through the API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';

let t: TestDeps;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let rival: ApiCompany;
let admin: ReturnType<typeof as>;

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps);
  acme = await createApiCompany(t.deps.orm, 'adm-acme');
  rival = await createApiCompany(t.deps.orm, 'adm-rival');
  admin = as(app, (await signIn(app, acme.users.admin.email)).token);
});
afterAll(async () => {
  await t?.close();
});

const login = (email: string, password: string) =>
  app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.3.${Math.floor(Math.random() * 200)}.1` }, body: JSON.stringify({ email, password }) });

describe('users and roles', () => {
  it('creates a user with a one-time password that signs in, and refuses a duplicate email', async () => {
    const res = await admin.post('/api/users', { email: 'new.analyst@adm-acme.example', name: 'New Analyst', role: 'analyst' });
    expect(res.status).toBe(201);
    expect(res.body.role).toBe('analyst');
    expect(res.body.oneTimePassword).toMatch(/.{12,}/);
    expect((await login('new.analyst@adm-acme.example', res.body.oneTimePassword)).status).toBe(200);
    const dup = await admin.post('/api/users', { email: 'NEW.analyst@adm-acme.example', name: 'Again', role: 'viewer' });
    expect(dup.status).toBe(409);
    const bad = await admin.post('/api/users', { email: 'x@y.example', name: 'X', role: 'overlord' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0].field).toBe('role');
  });

  it('a role change takes effect at once and ends that user’s sessions', async () => {
    const viewer = await signIn(app, acme.users.viewer.email);
    expect((await as(app, viewer.token).get('/api/me')).status).toBe(200);
    const res = await admin.patch(`/api/users/${acme.users.viewer.id}`, { role: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('manager');
    expect((await as(app, viewer.token).get('/api/me')).status).toBe(401);
    const again = await signIn(app, acme.users.viewer.email);
    expect((await as(app, again.token).get('/api/me')).body.permissions).toContain('launch');
  });

  it('never leaves a company without an active admin', async () => {
    const res = await admin.patch(`/api/users/${acme.users.admin.id}`, { role: 'viewer' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('last_admin');
  });

  it('lists only my company’s users; another company’s user is 404; non-admins get 403', async () => {
    // Search text is literal: a "%" or "_" is not a wildcard.
    expect((await admin.get('/api/users?q=Manager')).body.items.map((u: { role: string }) => u.role)).toEqual(['manager']);
    expect((await admin.get(`/api/users?q=${encodeURIComponent('%')}`)).body.total).toBe(0);
    expect((await admin.get('/api/users?q=_')).body.total).toBe(0);
    const list = await admin.get('/api/users?pageSize=100');
    expect(list.body.items.every((u: { email: string }) => u.email.endsWith('adm-acme.example'))).toBe(true);
    expect((await admin.patch(`/api/users/${rival.users.viewer.id}`, { active: false })).status).toBe(404);
    const manager = as(app, (await signIn(app, acme.users.manager.email)).token);
    expect((await manager.get('/api/users')).status).toBe(403);
  });
});

describe('company settings', () => {
  it('changes the approval threshold (and with it who needs approval), validating each field', async () => {
    const bad = await admin.patch('/api/settings', { timeZone: 'Mars/Olympus', currency: 'XYZ' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['currency', 'timeZone']);
    const ok = await admin.patch('/api/settings', { approvalThreshold: '250', timeZone: 'Europe/Berlin', quietHours: { start: '21:00', end: '08:00' }, frequencyCap: { maxMessages: 3, perDays: 7 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ approvalThreshold: '250.00', timeZone: 'Europe/Berlin', quietHours: { start: '21:00', end: '08:00' }, frequencyCap: { maxMessages: 3, perDays: 7 } });
    const viewer = as(app, (await signIn(app, acme.users.analyst.email)).token);
    expect((await viewer.get('/api/settings')).body.approvalThreshold).toBe('250.00');
    expect((await viewer.patch('/api/settings', { approvalThreshold: '1' })).status).toBe(403);
    const log = await t.deps.orm.em.getKnex().raw(`select before, after from audit_log where action = 'company.settings_updated' and company_id = ?`, [acme.id]);
    expect(log.rows[0].after.approvalThreshold).toBe('250');
    expect(log.rows[0].before.approvalThreshold).toBe('1000.00');
  });
});
