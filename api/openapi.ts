/**
 * How routes are declared: every route is a zod-openapi `createRoute` with its permission, so the
 * same declaration validates input, types the console's client, documents the route in
 * /api/openapi.json (with `x-permission`) and enforces the permission matrix.
 */
import { OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../domain/errors.ts';
import { can, type Permission } from '../domain/permissions.ts';
import type { ApiEnv } from './context.ts';
import { toErrorResponse, zodToValidationError } from './errors.ts';
import { authenticate } from './auth/middleware.ts';

export { z } from './openapi-zod.ts';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (e.g. invalid JSON)',
  401: 'Not signed in, or the access token expired',
  403: "The caller's role lacks the permission",
  404: 'Not found in the caller’s company',
  409: 'The current state forbids it; the message names the state',
  412: 'If-Match names a stale version',
  413: 'Body too large',
  422: 'Invalid input; details.issues names each field',
  429: 'Too many requests; see Retry-After',
};

/** The standard error responses a protected route can give, plus any extra ones. */
export function errors(...extra: (keyof typeof ERROR_TEXT)[]) {
  const codes = [400, 401, 403, 422, ...extra];
  return Object.fromEntries(codes.map((code) => [code, { description: ERROR_TEXT[code]!, content: { 'application/json': { schema: ErrorSchema } } }])) as Record<
    number,
    { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }
  >;
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

export function body<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function requirePermission(permission: Permission): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { role } = c.get('caller');
    if (!can(role, permission)) {
      throw new ForbiddenError(`the ${role} role may not do this (it needs the "${permission}" permission)`, 'forbidden', { permission, role });
    }
    await next();
  };
}

/** Spread into `createRoute`: signed-in callers whose role has `permission`. */
export function secured(permission: Permission | 'signed_in') {
  return {
    security: [{ bearerAuth: [] }],
    'x-permission': permission,
    middleware: permission === 'signed_in' ? [authenticate] : [authenticate, requirePermission(permission)],
  } satisfies Partial<RouteConfig>;
}

/** Validation failures in the one error shape, naming the field (query and header fields prefixed). */
const defaultHook: Hook<unknown, ApiEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const prefix = result.target === 'json' || result.target === 'form' ? '' : result.target;
  return toErrorResponse(zodToValidationError(result.error, prefix), c);
};

export function router() {
  return new OpenAPIHono<ApiEnv>({ defaultHook });
}

/** Path parameter `id`: a UUID, or a 422 naming `param.id` (never a 500 from the database). */
export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

/** A query-string instant: ISO 8601 with an offset (or a plain date, read as UTC midnight), passed on in UTC. */
export const InstantQuery = z
  .string()
  .max(40)
  .refine((v) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00Z')
  .transform((v) => new Date(v).toISOString())
  .openapi({ example: '2026-12-01T00:00:00Z' });

export const PageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ example: 1 }),
  pageSize: z.coerce.number().int().min(1).max(200).default(25).openapi({ example: 25 }),
};

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      page: z.number().int(),
      pageSize: z.number().int(),
      total: z.number().int(),
    })
    .openapi(name);
}
