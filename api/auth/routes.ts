/** Sign-in, token refresh with rotation, sign-out, the caller's profile and the TOTP second factor. */
import { createRoute } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sign, verify } from 'hono/jwt';
import type { Context } from 'hono';
import type { AppDeps } from '../deps.ts';
import { TooManyRequestsError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import { verifyPassword, hashPassword } from '../../domain/password.ts';
import type { Role } from '../../domain/permissions.ts';
import { newTotpSecret, totpUri, verifyTotp } from '../../domain/totp.ts';
import { body, errors, json, router, secured, z } from '../openapi.ts';
import { clientIp } from '../context.ts';
import { WindowLimiter } from '../rate-limit.ts';
import { audit } from '../audit.ts';
import { createRefreshToken, endAllSessions, issueAccessToken, REFRESH_COOKIE, revokeByToken, rotateRefreshToken } from './sessions.ts';
import { loadProfile, ProfileSchema } from './profile.ts';

const LoginBody = z
  .strictObject({
    email: z.email().max(254),
    password: z.string().min(1).max(1024),
    /** Needed only when the same email signs in to more than one company. */
    company: z.string().max(64).optional().openapi({ description: "Company slug; only needed when the email belongs to several companies" }),
    totp: z.string().regex(/^\d{6}$/, 'a 6-digit code').optional().openapi({ description: 'Code from the authenticator app, when the user has a second factor' }),
  })
  .openapi('LoginRequest');

const TokenResponse = z
  .object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int(), user: ProfileSchema })
  .openapi('TokenResponse');

interface LoginRow {
  id: string;
  company_id: string;
  slug: string;
  role: Role;
  active: boolean;
  password_hash: string;
  session_epoch: number;
  totp_secret: string | null;
}

// A real hash of a random password: unknown emails cost the same time as wrong passwords.
const DUMMY_HASH = hashPassword('herald-timing-equaliser');

function setRefreshCookie(c: Context, raw: string, days: number): void {
  setCookie(c, REFRESH_COOKIE, raw, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth', maxAge: days * 86_400 });
}

export function authRoutes(deps: AppDeps) {
  const perIp = new WindowLimiter(deps.config.LOGIN_MAX_PER_IP, 60_000);
  const failures = new WindowLimiter(deps.config.LOGIN_MAX_FAILURES, 15 * 60_000);

  const login = createRoute({
    method: 'post',
    path: '/login',
    tags: ['Auth'],
    summary: 'Sign in with email and password (and a TOTP code when the user has one)',
    description: 'Returns a short-lived access token and sets a rotating refresh token in an HttpOnly cookie scoped to /api/auth.',
    'x-permission': 'public',
    request: { body: body(LoginBody) },
    responses: { 200: json(TokenResponse, 'Signed in'), ...errors(429) },
  });
  const refresh = createRoute({
    method: 'post',
    path: '/refresh',
    tags: ['Auth'],
    summary: 'Exchange the refresh cookie for a new access token (the cookie rotates)',
    description: 'Presenting an already-used refresh token ends every session of that sign-in.',
    'x-permission': 'public',
    responses: { 200: json(TokenResponse, 'New access token'), ...errors() },
  });
  const logout = createRoute({
    method: 'post',
    path: '/logout',
    tags: ['Auth'],
    summary: 'Sign out: ends this sign-in and clears the cookie',
    'x-permission': 'public',
    responses: { 204: { description: 'Signed out' } },
  });
  const changePassword = createRoute({
    method: 'post',
    path: '/password',
    tags: ['Auth'],
    summary: 'Change my password; ends every other session',
    ...secured('signed_in'),
    request: { body: body(z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(12, 'at least 12 characters').max(1024) })) },
    responses: { 200: json(TokenResponse, 'Password changed; a fresh sign-in'), ...errors() },
  });
  const totpSetup = createRoute({
    method: 'post',
    path: '/totp/setup',
    tags: ['Auth'],
    summary: 'Start enrolling a TOTP second factor: a new secret to scan, confirmed by /totp/enable',
    ...secured('signed_in'),
    responses: { 200: json(z.object({ secret: z.string(), otpauthUri: z.string(), setupToken: z.string() }), 'A secret to add to an authenticator app'), ...errors() },
  });
  const totpEnable = createRoute({
    method: 'post',
    path: '/totp/enable',
    tags: ['Auth'],
    summary: 'Confirm the TOTP secret with a code from the app; from then on sign-in asks for a code',
    ...secured('signed_in'),
    request: { body: body(z.strictObject({ setupToken: z.string().min(1).max(2048), code: z.string().regex(/^\d{6}$/, 'a 6-digit code') })) },
    responses: { 200: json(ProfileSchema, 'Second factor on'), ...errors() },
  });

  return router()
    .openapi(login, async (c) => {
      const input = c.req.valid('json');
      const ip = clientIp(c);
      perIp.take(`ip:${ip}`, 'too many sign-in attempts from this address; wait and try again');
      const account = `acct:${input.email.toLowerCase()}:${input.company ?? ''}`;
      const wait = failures.retryAfter(account);
      if (wait > 0) throw new TooManyRequestsError('too many failed sign-ins for this account; wait and try again', wait);
      const found = await sqlOf(deps.orm.em).raw<{ rows: LoginRow[] }>(
        `select u.id, u.company_id, c.slug, u.role, u.active, u.password_hash, u.session_epoch, u.totp_secret
           from users u join companies c on c.id = u.company_id
          where lower(u.email) = lower(?) and (?::text is null or c.slug = ?)`,
        [input.email, input.company ?? null, input.company ?? null],
      );
      const candidates = found.rows;
      if (candidates.length > 1) {
        throw ValidationError.field('company', `this email belongs to ${candidates.length} companies: name one (${candidates.map((r) => r.slug).join(', ')})`, 'company_required');
      }
      const user = candidates[0];
      const ok = user ? await verifyPassword(input.password, user.password_hash) : (await verifyPassword(input.password, await DUMMY_HASH), false);
      if (!user || !ok || !user.active) {
        failures.hit(account);
        throw new UnauthenticatedError('email or password is wrong, or the account is deactivated', 'invalid_credentials');
      }
      if (user.totp_secret) {
        if (!input.totp) throw new UnauthenticatedError('enter the 6-digit code from your authenticator app', 'totp_required');
        if (!verifyTotp(user.totp_secret, input.totp)) {
          failures.hit(account);
          throw new UnauthenticatedError('the authenticator code is wrong or expired', 'totp_invalid');
        }
      }
      failures.reset(account);
      const em = deps.orm.em.fork();
      const mfa = user.totp_secret !== null;
      const raw = await createRefreshToken(em, deps.config, { id: user.id, companyId: user.company_id }, undefined, mfa);
      setRefreshCookie(c, raw, deps.config.REFRESH_TOKEN_TTL_DAYS);
      const tokens = await issueAccessToken(deps.config, { sub: user.id, cid: user.company_id, role: user.role, sev: user.session_epoch, mfa });
      await audit(em, c, { companyId: user.company_id, actorId: user.id, action: 'auth.login', entityType: 'user', entityId: user.id });
      await em.flush();
      return c.json({ ...tokens, tokenType: 'Bearer' as const, user: (await loadProfile(em, user.id)).profile }, 200);
    })
    .openapi(refresh, async (c) => {
      const raw = getCookie(c, REFRESH_COOKIE);
      if (!raw) throw new UnauthenticatedError('no refresh cookie: sign in', 'session_ended');
      const em = deps.orm.em.fork();
      let rotated;
      try {
        rotated = await rotateRefreshToken(em, deps.config, raw);
      } catch (err) {
        deleteCookie(c, REFRESH_COOKIE, { path: '/api/auth', secure: true });
        throw err;
      }
      const { profile, sessionEpoch } = await loadProfile(em, rotated.userId);
      if (!profile.active) throw new UnauthenticatedError('the account is deactivated', 'session_ended');
      setRefreshCookie(c, rotated.raw, deps.config.REFRESH_TOKEN_TTL_DAYS);
      const tokens = await issueAccessToken(deps.config, { sub: profile.id, cid: profile.company.id, role: profile.role, sev: sessionEpoch, mfa: rotated.mfa });
      return c.json({ ...tokens, tokenType: 'Bearer' as const, user: profile }, 200);
    })
    .openapi(logout, async (c) => {
      const raw = getCookie(c, REFRESH_COOKIE);
      if (raw) await revokeByToken(deps.orm.em.fork(), raw);
      deleteCookie(c, REFRESH_COOKIE, { path: '/api/auth', secure: true });
      return c.body(null, 204);
    })
    .openapi(changePassword, async (c) => {
      const { currentPassword, newPassword } = c.req.valid('json');
      const caller = c.get('caller');
      const em = c.get('em');
      const row = await sqlOf(em).raw<{ rows: { password_hash: string }[] }>(`select password_hash from users where id = ?`, [caller.userId]);
      if (!(await verifyPassword(currentPassword, row.rows[0]!.password_hash))) throw ValidationError.field('currentPassword', 'is not your current password');
      await em.transactional(async (tx) => {
        await sqlOf(tx).raw(`update users set password_hash = ?, updated_at = now() where id = ?`, [await hashPassword(newPassword), caller.userId]);
        await endAllSessions(tx, caller.userId);
        await audit(tx, c, { action: 'user.password_changed', entityType: 'user', entityId: caller.userId });
      });
      deps.users?.forget(caller.userId);
      const { profile, sessionEpoch } = await loadProfile(em, caller.userId);
      const raw = await createRefreshToken(em, deps.config, { id: caller.userId, companyId: caller.companyId }, undefined, caller.mfa);
      setRefreshCookie(c, raw, deps.config.REFRESH_TOKEN_TTL_DAYS);
      const tokens = await issueAccessToken(deps.config, { sub: caller.userId, cid: caller.companyId, role: profile.role, sev: sessionEpoch, mfa: caller.mfa });
      return c.json({ ...tokens, tokenType: 'Bearer' as const, user: profile }, 200);
    })
    .openapi(totpSetup, async (c) => {
      const caller = c.get('caller');
      const secret = newTotpSecret();
      // The secret travels back signed and short-lived instead of being stored before it is confirmed.
      const now = Math.floor(Date.now() / 1000);
      const setupToken = await sign({ sub: caller.userId, totp: secret, iss: 'herald-totp', exp: now + 600 }, deps.config.jwtSecret, 'HS256');
      return c.json({ secret, otpauthUri: totpUri(secret, caller.email), setupToken }, 200);
    })
    .openapi(totpEnable, async (c) => {
      const { setupToken, code } = c.req.valid('json');
      const caller = c.get('caller');
      let secret: string;
      try {
        const p = await verify(setupToken, deps.config.jwtSecret, { alg: 'HS256', iss: 'herald-totp' });
        if (p.sub !== caller.userId || typeof p.totp !== 'string') throw new Error('not yours');
        secret = p.totp;
      } catch {
        throw ValidationError.field('setupToken', 'is invalid or expired: start the setup again');
      }
      if (!verifyTotp(secret, code)) throw ValidationError.field('code', 'does not match the authenticator app');
      const em = c.get('em');
      await em.transactional(async (tx) => {
        await sqlOf(tx).raw(`update users set totp_secret = ?, updated_at = now() where id = ?`, [secret, caller.userId]);
        await audit(tx, c, { action: 'user.totp_enabled', entityType: 'user', entityId: caller.userId });
      });
      return c.json((await loadProfile(em, caller.userId)).profile, 200);
    });
}


/** GET /api/me */
export function meRoutes() {
  const me = createRoute({
    method: 'get',
    path: '/',
    tags: ['Auth'],
    summary: 'The caller: user, role, permissions and the company settings the console needs',
    ...secured('signed_in'),
    responses: { 200: json(ProfileSchema, 'The caller'), ...errors() },
  });
  return router().openapi(me, async (c) => c.json((await loadProfile(c.get('em'), c.get('caller').userId)).profile, 200));
}
