/**
 * Access tokens (HS256 JWT, pinned; short-lived) and refresh tokens (random, stored hashed, rotated
 * on every use). A refresh token presented a second time means it was stolen or replayed: the
 * whole family (every token of that sign-in) is revoked.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sign, verify } from 'hono/jwt';
import { JwtTokenExpired } from 'hono/utils/jwt/types';
import type { Config } from '../../config/env.ts';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Role } from '../../domain/permissions.ts';

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

export async function verifyAccessToken(config: Config, token: string): Promise<AccessClaims> {
  try {
    const p = await verify(token, config.jwtSecret, { alg: 'HS256', iss: ISSUER });
    if (typeof p.sub !== 'string' || typeof p.cid !== 'string' || typeof p.sev !== 'number') throw new Error('claims');
    return { sub: p.sub, cid: p.cid, role: p.role as Role, sev: p.sev, mfa: p.mfa === true };
  } catch (err) {
    if (err instanceof JwtTokenExpired) throw new UnauthenticatedError('the access token expired; refresh it', 'token_expired');
    throw new UnauthenticatedError('the access token is not valid', 'token_invalid');
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

/** Ends every session of a user: access tokens by the epoch, refresh tokens by revocation. */
export async function endAllSessions(em: EntityManager, userId: string): Promise<void> {
  const knex = sqlOf(em);
  await knex.raw(`update users set session_epoch = session_epoch + 1 where id = ?`, [userId]);
  await knex.raw(`update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null`, [userId]);
}
