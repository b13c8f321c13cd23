/**
 * Authentication for every protected route: a valid access token AND a user who is still active,
 * in the same company, with the same session epoch. The row comes from the user cache, which every
 * deactivation, password change or role change invalidates (user-cache.ts), so they take effect at once.
 */
import type { MiddlewareHandler } from 'hono';
import { UnauthenticatedError } from '../../domain/errors.ts';
import { forkForCompany } from '../../db/tenant.ts';
import type { ApiEnv, Caller } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { verifyAccessToken } from './sessions.ts';
import { UserCache } from './user-cache.ts';

/** The caller behind an access token, checked against the user row; throws 401 otherwise. */
export async function resolveCaller(deps: AppDeps, token: string): Promise<Caller> {
  const claims = await verifyAccessToken(deps.config, token);
  const user = await (deps.users ??= new UserCache(deps.orm, deps.log)).get(claims.sub);
  if (!user || !user.active || user.company_id !== claims.cid || user.session_epoch !== claims.sev) {
    throw new UnauthenticatedError('this session has ended (signed out, password changed or account deactivated); sign in again', 'session_revoked');
  }
  return { userId: user.id, companyId: user.company_id, role: user.role, email: user.email, name: user.name, mfa: claims.mfa === true };
}

export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const deps = c.get('deps');
  const header = c.req.header('authorization');
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) throw new UnauthenticatedError('sign in first: send "Authorization: Bearer <access token>" from POST /api/auth/login');
  const caller = await resolveCaller(deps, token);
  c.set('caller', caller);
  c.set('em', forkForCompany(deps.orm.em, caller.companyId));
  await next();
};
