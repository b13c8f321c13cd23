/**
 * Routes a CRM or a shop calls as well as a signed-in user: `Authorization: Bearer hk_…` or
 * `X-Api-Key: hk_…` resolves to the key's company with no user; anything else goes through the
 * ordinary sign-in check and the permission matrix. A key is found by its public prefix and proven
 * by a constant-time comparison of SHA-256 digests; an unknown and a revoked key get the same 401.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { RouteConfig } from '@hono/zod-openapi';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.ts';
import type { Permission } from '../../domain/permissions.ts';
import { forkForCompany } from '../../db/tenant.ts';
import { authenticate } from '../auth/middleware.ts';
import { requirePermission } from '../openapi.ts';
import { WindowLimiter } from '../rate-limit.ts';
import type { ApiEnv } from '../context.ts';
import type { AppDeps } from '../deps.ts';

export const API_KEY_SCOPES = ['conversions:write', 'orders:write', 'spend:write', 'metrics:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Requests per key per minute: generous for a CRM's sync, a ceiling for a runaway loop. */
export const API_KEY_REQUESTS_PER_MINUTE = 1200;

const KEY_PATTERN = /^hk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function digestKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** A new key: the whole secret (shown once), its public prefix and the digest that is stored. */
export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  // 8 characters from 62 by rejection-free modulo over 248 (= 4 × 62) values: no bias.
  const id: string[] = [];
  while (id.length < 8) for (const b of randomBytes(16)) if (b < 248 && id.length < 8) id.push(ALPHANUMERIC[b % 62]!);
  const prefix = `hk_${id.join('')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, secretHash: digestKey(key).toString('hex') };
}

const limiters = new WeakMap<AppDeps, WindowLimiter>();
const INVALID = 'this API key is not valid: it is unknown or was revoked';
// Compared against when the prefix is unknown, so an unknown key costs the same as a wrong one.
const DUMMY = digestKey('hk_00000000_unknown');

interface KeyRow {
  id: string;
  company_id: string;
  secret_hash: string;
  scopes: string[];
  revoked_at: Date | null;
}

async function resolveKey(deps: AppDeps, key: string): Promise<KeyRow> {
  const given = digestKey(key);
  const prefix = KEY_PATTERN.test(key) ? key.slice(0, 11) : null;
  const row = prefix
    ? (await deps.orm.em.getKnex().raw<{ rows: KeyRow[] }>(`select id, company_id, secret_hash, scopes, revoked_at from api_keys where prefix = ?`, [prefix])).rows[0]
    : undefined;
  const stored = row ? Buffer.from(row.secret_hash, 'hex') : DUMMY;
  const same = stored.length === given.length && timingSafeEqual(stored, given);
  if (!row || !same || row.revoked_at) throw new UnauthenticatedError(INVALID, 'invalid_api_key');
  return row;
}

function presentedKey(authorization: string | undefined, header: string | undefined): string | null {
  if (header !== undefined) return header.trim();
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer?.startsWith('hk_') ? bearer : null;
}

function keyOrUser(permission: Permission, scope: ApiKeyScope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (key !== null) {
      const row = await resolveKey(deps, key);
      let limiter = limiters.get(deps);
      if (!limiter) limiters.set(deps, (limiter = new WindowLimiter(API_KEY_REQUESTS_PER_MINUTE, 60_000)));
      limiter.take(row.id, `this API key made more than ${API_KEY_REQUESTS_PER_MINUTE} requests in a minute; slow down`);
      if (!row.scopes.includes(scope)) {
        throw new ForbiddenError(`this API key lacks the "${scope}" scope`, 'forbidden', { scope, permission });
      }
      // At most one write a minute per key, not one per request.
      await deps.orm.em
        .getKnex()
        .raw(`update api_keys set last_used_at = now() where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')`, [row.id]);
      c.set('principal', { companyId: row.company_id, userId: null, apiKeyId: row.id });
      c.set('em', forkForCompany(deps.orm.em, row.company_id));
      await next();
      return;
    }
    await authenticate(c, async () => {
      await requirePermission(permission)(c, async () => {
        const caller = c.get('caller');
        c.set('principal', { companyId: caller.companyId, userId: caller.userId, apiKeyId: null });
        await next();
      });
    });
  };
}

/** Spread into `createRoute`: a signed-in user with `permission`, or an API key with `scope`. */
export function keyOrSecured(permission: Permission, scope: ApiKeyScope) {
  return {
    security: [{ bearerAuth: [] }, { apiKey: [] }] as Record<string, string[]>[],
    'x-permission': permission,
    'x-api-key-scope': scope,
    middleware: [keyOrUser(permission, scope)],
  } satisfies Partial<RouteConfig>;
}
