/** What every request carries through the API: who is calling, for which company, and how to reach the data. */
import type { Context } from 'hono';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../domain/permissions.ts';
import type { AppDeps } from './deps.ts';

export interface Caller {
  userId: string;
  companyId: string;
  role: Role;
  email: string;
  name: string;
  /** This session passed a second factor. */
  mfa?: boolean;
}

/** Who is acting on routes that machine callers may use too: a signed-in user, or a company's API key. */
export interface Principal {
  companyId: string;
  /** Null for an API key: no user acts. */
  userId: string | null;
  apiKeyId: string | null;
}

export interface ApiEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    caller: Caller;
    /** Set only on routes that accept an API key (api/attribution/machine-auth.ts). */
    principal: Principal;
    /** A fork scoped to the caller's company (the tenant filter is on). */
    em: EntityManager;
  };
}

export type ApiContext = Context<ApiEnv>;

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The client address: the socket's when served by Node; behind no socket (app.request in tests) the
 * first X-Forwarded-For entry. A reverse proxy in front of Herald should set X-Forwarded-For and
 * strip the client's own.
 */
export function clientIp(c: Context): string {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return forwarded || socket || 'unknown';
}
