/**
 * Access tokens (HS256 JWT, pinned; short-lived) and refresh tokens (random, stored hashed, rotated
 * on every use). A refresh token presented a second time means it was stolen or replayed: the
 * whole family (every token of that sign-in) is revoked.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sign } from 'hono/jwt';
import type { Config } from '../../config/env.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Role } from '../../domain/permissions.ts';
import { notifyUserChanged } from './user-cache.ts';

const ISSUER = 'herald';
export const REFRESH_COOKIE = 'herald_refresh';

export interface AccessClaims {
  sub: string;
  cid: string;
  role: Role;
  /** users.session_epoch when issued: a password change or deactivation bumps it. */
  sev: number;
  /** Signed in with a second factor (TOTP) in this session. */
  mfa?: boolean;
}

export async function issueAccessToken(config: Config, claims: AccessClaims): Promise<{ accessToken: string; expiresIn: number }> {
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await sign({ ...claims, iss: ISSUER, iat: now, exp: now + config.ACCESS_TOKEN_TTL }, config.jwtSecret, 'HS256');
  return { accessToken, expiresIn: config.ACCESS_TOKEN_TTL };
}

/**
 * Checks an access token on every request. HS256 is verified here with node:crypto's HMAC rather than
 * hono/jwt's `verify`, which imports the key into WebCrypto on every call: about 150 µs of CPU per
 * request, a sixth of a list request's whole cost. The algorithm is pinned (the header must say
 * HS256), the signature compared in constant time, then `iss`, `exp`, `nbf` and `iat` checked.
 */
export async function verifyAccessToken(config: Config, token: string): Promise<AccessClaims> {
  const p = decodeVerified(config.jwtSecret, token);
  if (!p) throw new UnauthenticatedError('the access token is not valid', 'token_invalid');
  const now = Math.floor(Date.now() / 1000);
  if (typeof p.exp !== 'number' || p.exp <= now) throw new UnauthenticatedError('the access token expired; refresh it', 'token_expired');
  if ((p.nbf !== undefined && (typeof p.nbf !== 'number' || p.nbf > now)) || (p.iat !== undefined && (typeof p.iat !== 'number' || p.iat > now)) || p.iss !== ISSUER) {
    throw new UnauthenticatedError('the access token is not valid', 'token_invalid');
  }
  if (typeof p.sub !== 'string' || typeof p.cid !== 'string' || typeof p.sev !== 'number') throw new UnauthenticatedError('the access token is not valid', 'token_invalid');
  return { sub: p.sub, cid: p.cid, role: p.role as Role, sev: p.sev, mfa: p.mfa === true };
}

/**
 * Payloads of tokens whose signature already matched, by secret and token: a session sends the same
 * token with every request for its whole lifetime, and the HMAC and two JSON parses of it were a
 * tenth of a cached request's CPU. Only the signature check is remembered: its answer for a given
 * (secret, token) can never change. Expiry and the user's row are checked on every request as
 * before. Bounded: emptied when full.
 */
const verified = new Map<string, Map<string, Readonly<Record<string, unknown>>>>();
const VERIFIED_MAX = 10_000;

/** The payload of an HS256 JWT whose signature matches `secret`; null for anything else. */
function decodeVerified(secret: string, token: string): Readonly<Record<string, unknown>> | null {
  let bySecret = verified.get(secret);
  const hit = bySecret?.get(token);
  if (hit) return hit;
  const payload = checkSignature(secret, token);
  if (payload) {
    if (!bySecret) {
      if (verified.size >= 8) verified.clear();
      verified.set(secret, (bySecret = new Map()));
    }
    if (bySecret.size >= VERIFIED_MAX) bySecret.clear();
    bySecret.set(token, Object.freeze(payload));
  }
  return payload;
}

function checkSignature(secret: string, token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown };
    if (header?.alg !== 'HS256') return null;
    const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const hash = (raw: string) => createHash('sha256').update(raw).digest('hex');

/** A new refresh token for `userId` (a new family unless continuing one); returns the raw value. */
export async function createRefreshToken(em: EntityManager, config: Config, user: { id: string; companyId: string }, family: string = randomUUID(), mfa = false): Promise<string> {
  const raw = randomBytes(32).toString('base64url');
  await sqlOf(em).raw(
    `insert into refresh_tokens (company_id, user_id, family, token_hash, mfa, expires_at) values (?, ?, ?, ?, ?, now() + make_interval(days => ?))`,
    [user.companyId, user.id, family, hash(raw), mfa, config.REFRESH_TOKEN_TTL_DAYS],
  );
  return raw;
}

interface TokenRow {
  id: string;
  user_id: string;
  company_id: string;
  family: string;
  mfa: boolean;
  expired: boolean;
  used: boolean;
  revoked: boolean;
}

/**
 * Spends `raw` and returns its user with a fresh token of the same family. Marking it used is one
 * conditional UPDATE, so two concurrent refreshes with the same token cannot both win: the loser
 * is treated as a replay.
 */
export async function rotateRefreshToken(em: EntityManager, config: Config, raw: string): Promise<{ userId: string; companyId: string; raw: string; mfa: boolean }> {
  const knex = sqlOf(em);
  const found = await knex.raw<{ rows: TokenRow[] }>(
    `select id, user_id, company_id, family, mfa, expires_at <= now() as expired, used_at is not null as used, revoked_at is not null as revoked
       from refresh_tokens where token_hash = ?`,
    [hash(raw)],
  );
  const row = found.rows[0];
  if (!row || row.revoked || row.expired) throw new UnauthenticatedError('the session ended; sign in again', 'session_ended');
  const spent = await knex.raw<{ rowCount: number }>(`update refresh_tokens set used_at = now() where id = ? and used_at is null`, [row.id]);
  if (row.used || spent.rowCount === 0) {
    await revokeFamily(em, row.family);
    throw new UnauthenticatedError('this refresh token was already used; every session of this sign-in is now ended', 'refresh_reused');
  }
  const next = await createRefreshToken(em, config, { id: row.user_id, companyId: row.company_id }, row.family, row.mfa);
  return { userId: row.user_id, companyId: row.company_id, raw: next, mfa: row.mfa };
}

export async function revokeFamily(em: EntityManager, family: string): Promise<void> {
  await sqlOf(em).raw(`update refresh_tokens set revoked_at = now() where family = ? and revoked_at is null`, [family]);
}

/** Ends the sign-in `raw` belongs to (logout). Unknown tokens are ignored: logging out is always possible. */
export async function revokeByToken(em: EntityManager, raw: string): Promise<void> {
  await sqlOf(em).raw(
    `update refresh_tokens set revoked_at = now() where family = (select family from refresh_tokens where token_hash = ?) and revoked_at is null`,
    [hash(raw)],
  );
}

/**
 * Ends every session of a user: access tokens by the epoch, refresh tokens by revocation, and every
 * replica's cached row by NOTIFY at commit. The caller also calls `deps.users?.forget` once committed.
 */
export async function endAllSessions(em: EntityManager, userId: string): Promise<void> {
  const knex = sqlOf(em);
  await knex.raw(`update users set session_epoch = session_epoch + 1 where id = ?`, [userId]);
  await knex.raw(`update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null`, [userId]);
  await notifyUserChanged(knex, userId);
}
