import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sign } from 'hono/jwt';
import { createApp } from '../api/app.ts';
import type { AppDeps } from '../api/deps.ts';
import { totpAt } from '../domain/totp.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { as, createApiCompany, PASSWORD, refreshCookieOf, signIn, type ApiCompany } from './fixtures/api-world.ts';

describe('API auth', () => {
  let t: TestDeps;
  let app: ReturnType<typeof createApp>;
  let acme: ApiCompany;
  let other: ApiCompany;
  beforeAll(async () => {
    t = await createTestDeps();
    app = createApp(t.deps);
    acme = await createApiCompany(t.deps.orm, 'auth-acme');
    other = await createApiCompany(t.deps.orm, 'auth-other');
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (body: unknown, ip = '10.1.1.1') =>
    app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) });
  const refresh = (cookie: string) => app.request('/api/auth/refresh', { method: 'POST', headers: { cookie } });

  it('signs in with a short-lived HS256 access token and an HttpOnly, Secure, SameSite refresh cookie', async () => {
    const res = await login({ email: acme.users.manager.email, password: PASSWORD });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accessToken: string; expiresIn: number; user: { role: string; permissions: string[]; company: { slug: string } } };
    expect(body.expiresIn).toBe(900);
    expect(body.user.role).toBe('manager');
    expect(body.user.permissions).toContain('launch');
    expect(body.user.company.slug).toBe('auth-acme');
    const header = JSON.parse(Buffer.from(body.accessToken.split('.')[0]!, 'base64url').toString()) as { alg: string };
    expect(header.alg).toBe('HS256');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/herald_refresh=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/auth/);
  });

  it('refuses a wrong password and an unknown email alike, and names the field of a malformed body', async () => {
    const wrong = await login({ email: acme.users.manager.email, password: 'nope' });
    const unknown = await login({ email: 'ghost@auth-acme.example', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials');
    const bad = await login({ email: 'not-an-email', password: 'x', extra: 1 });
    expect(bad.status).toBe(422);
    const fields = ((await bad.json()) as { error: { details: { issues: { field: string }[] } } }).error.details.issues.map((i) => i.field);
    expect(fields).toContain('email');
  });

  it('rejects a token signed with another algorithm or secret', async () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: acme.users.admin.id, cid: acme.id, role: 'admin', sev: 0, exp: 9999999999 })).toString('base64url')}.`;
    const res = await as(app, none).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('token_invalid');
    expect((await app.request('/api/me')).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: acme.users.admin.id, cid: acme.id, role: 'admin', sev: 0, iss: 'herald', iat: now, exp: now + 600 };
    const code = async (token: string) => (await as(app, token).get('/api/me')).body.error?.code;
    const good = await sign(claims, t.deps.config.jwtSecret, 'HS256');
    const [h, p] = good.split('.');
    expect(await code(`${h}.${p}.${Buffer.alloc(32).toString('base64url')}`)).toBe('token_invalid');
    expect(await code(await sign(claims, 'another secret of the same length as any', 'HS256'))).toBe('token_invalid');
    expect(await code(await sign({ ...claims, role: 'viewer' }, t.deps.config.jwtSecret, 'HS512'))).toBe('token_invalid');
    expect(await code(await sign({ ...claims, iss: 'elsewhere' }, t.deps.config.jwtSecret, 'HS256'))).toBe('token_invalid');
    expect(await code(await sign({ ...claims, nbf: now + 600 }, t.deps.config.jwtSecret, 'HS256'))).toBe('token_invalid');
    expect(await code(await sign({ ...claims, exp: now - 1 }, t.deps.config.jwtSecret, 'HS256'))).toBe('token_expired');
  });

  it('a token that worked is refused once it expires (its checked signature is remembered, its expiry is not)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ sub: acme.users.admin.id, cid: acme.id, role: 'admin', sev: 0, iss: 'herald', iat: now, exp: now + 60 }, t.deps.config.jwtSecret, 'HS256');
    expect((await as(app, token).get('/api/me')).status).toBe(200);
    expect((await as(app, token).get('/api/me')).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime((now + 61) * 1000);
      const res = await as(app, token).get('/api/me');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('token_expired');
    } finally {
      vi.useRealTimers();
    }
    // The same payload under another signature is still refused after the good one was remembered.
    const [h, p] = token.split('.');
    expect((await as(app, `${h}.${p}.${Buffer.alloc(32).toString('base64url')}`).get('/api/me')).body.error?.code).toBe('token_invalid');
  });

  it('a role change ends the sessions held in every replica’s user cache, not only this one’s', async () => {
    // Two replicas: the same database, a user cache each.
    const depsB: AppDeps = { ...t.deps, users: undefined, events: undefined };
    const appB = createApp(depsB);
    const admin = await signIn(app, other.users.admin.email);
    const s = await signIn(app, other.users.ops.email);
    const live = async (a: typeof app, d: AppDeps) => {
      for (let i = 0; i < 100 && !d.users?.live; i++) {
        expect((await as(a, s.token).get('/api/me')).status).toBe(200);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(d.users?.live).toBe(true);
    };
    await live(app, t.deps);
    await live(appB, depsB);
    // Both now hold the row.
    expect((await as(app, s.token).get('/api/me')).status).toBe(200);
    expect((await as(appB, s.token).get('/api/me')).status).toBe(200);
    const changed = await as(app, admin.token).patch(`/api/users/${other.users.ops.id}`, { role: 'analyst' });
    expect(changed.status).toBe(200);
    expect((await as(app, s.token).get('/api/me')).status).toBe(401);
    // Replica B learns it by NOTIFY: well within the cache's 2 s lifetime.
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 1000) {
      status = (await as(appB, s.token).get('/api/me')).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 10));
    }
    expect(status).toBe(401);
    await depsB.users?.close();
  });

  it('GET /me returns the caller with permissions and company settings', async () => {
    const s = await signIn(app, acme.users.viewer.email);
    const res = await as(app, s.token).get('/api/me');
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(acme.users.viewer.email);
    expect(res.body.permissions).toEqual(['read', 'analytics:read']);
    expect(res.body.company.approvalThreshold).toBe('1000.00');
  });

  it('rotates the refresh token, and a replayed one ends the whole sign-in', async () => {
    const s = await signIn(app, acme.users.analyst.email);
    const first = await refresh(s.cookie);
    expect(first.status).toBe(200);
    const next = refreshCookieOf(first);
    expect(next).not.toBe(s.cookie);
    // The old cookie again: a replay. Both it and the token that replaced it stop working.
    const replay = await refresh(s.cookie);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('refresh_reused');
    expect((await refresh(next)).status).toBe(401);
  });

  it('logout ends the sign-in: its refresh cookie no longer works', async () => {
    const s = await signIn(app, acme.users.ops.email);
    const out = await app.request('/api/auth/logout', { method: 'POST', headers: { cookie: s.cookie } });
    expect(out.status).toBe(204);
    expect((await refresh(s.cookie)).status).toBe(401);
  });

  it('a password change ends every other session at once, access tokens included', async () => {
    const a = await signIn(app, other.users.approver.email);
    const b = await signIn(app, other.users.approver.email);
    expect((await as(app, b.token).get('/api/me')).status).toBe(200);
    const changed = await as(app, a.token).post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(changed.status).toBe(200);
    expect((await as(app, b.token).get('/api/me')).status).toBe(401);
    expect((await refresh(b.cookie)).status).toBe(401);
    expect((await as(app, changed.body.accessToken).get('/api/me')).status).toBe(200);
    const wrong = await as(app, changed.body.accessToken).post('/api/auth/password', { currentPassword: 'nope', newPassword: 'another long passphrase' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.issues[0].field).toBe('currentPassword');
  });

  it('a deactivated user is signed out on the next request', async () => {
    const s = await signIn(app, other.users.viewer.email);
    await t.deps.orm.em.getKnex().raw('update users set active = false where id = ?', [other.users.viewer.id]);
    expect((await as(app, s.token).get('/api/me')).status).toBe(401);
    expect((await login({ email: other.users.viewer.email, password: PASSWORD })).status).toBe(401);
  });

  it('limits failed sign-ins per account with 429 and Retry-After', async () => {
    const email = other.users.analyst.email;
    for (let i = 0; i < 10; i++) expect((await login({ email, password: 'wrong' }, `10.9.0.${i}`)).status).toBe(401);
    const blocked = await login({ email, password: PASSWORD }, '10.9.1.1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits sign-in attempts per IP', async () => {
    let last = 0;
    for (let i = 0; i < 61; i++) last = (await login({ email: `nobody${i}@x.example`, password: 'x' }, '10.8.8.8')).status;
    expect(last).toBe(429);
  });

  it('asks for a TOTP code once the user enrolled a second factor', async () => {
    const s = await signIn(app, acme.users.approver.email);
    const setup = await as(app, s.token).post('/api/auth/totp/setup');
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const wrong = await as(app, s.token).post('/api/auth/totp/enable', { setupToken: setup.body.setupToken, code: '000000' === totpAt(setup.body.secret, new Date()) ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    const on = await as(app, s.token).post('/api/auth/totp/enable', { setupToken: setup.body.setupToken, code: totpAt(setup.body.secret, new Date()) });
    expect(on.status).toBe(200);
    expect(on.body.totpEnabled).toBe(true);
    const without = await login({ email: acme.users.approver.email, password: PASSWORD }, '10.7.0.1');
    expect(without.status).toBe(401);
    expect(((await without.json()) as { error: { code: string } }).error.code).toBe('totp_required');
    const withCode = await login({ email: acme.users.approver.email, password: PASSWORD, totp: totpAt(setup.body.secret, new Date()) }, '10.7.0.2');
    expect(withCode.status).toBe(200);
  });

  it('asks which company when one email belongs to two', async () => {
    await t.deps.orm.em.getKnex().raw(`insert into users (company_id, email, name, password_hash, role) select ?, email, name, password_hash, role from users where id = ?`, [
      other.id,
      acme.users.admin.id,
    ]);
    const ambiguous = await login({ email: acme.users.admin.email, password: PASSWORD }, '10.6.0.1');
    expect(ambiguous.status).toBe(422);
    expect(((await ambiguous.json()) as { error: { details: { issues: { field: string }[] } } }).error.details.issues[0]!.field).toBe('company');
    expect((await login({ email: acme.users.admin.email, password: PASSWORD, company: 'auth-other' }, '10.6.0.2')).status).toBe(200);
  });

  it('records sign-ins in the audit log with the IP', async () => {
    const rows = await t.deps.orm.em.getKnex().raw<{ rows: { ip: string }[] }>(`select ip from audit_log where action = 'auth.login' and actor_id = ?`, [acme.users.manager.id]);
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows[0]!.ip).toBe('10.1.1.1');
  });

  it('serves the OpenAPI document and an offline documentation page', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
    expect(doc.paths['/auth/login']?.post?.['x-permission']).toBe('public');
    expect(doc.paths['/me']?.get?.['x-permission']).toBe('signed_in');
    const page = await app.request('/api/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/swagger-ui-bundle\.js/);
    const bundle = await app.request('/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
