/**
 * The one mapping from error kinds to HTTP statuses and the one error shape:
 * `{ "error": { "code", "message", "details" } }`. Nothing else in the API builds error bodies, and no
 * stack trace or internal message ever reaches a client.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { DomainError, TooManyRequestsError, ValidationError } from '../domain/errors.ts';
import type { Logger } from '../config/logger.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const STATUS: Record<DomainError['kind'], ContentfulStatusCode> = {
  validation: 422,
  not_found: 404,
  forbidden: 403,
  unauthenticated: 401,
  conflict: 409,
  precondition_failed: 412,
  too_many_requests: 429,
};

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function zodToValidationError(err: ZodError, prefix = ''): ValidationError {
  const at = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';
  return new ValidationError(
    err.issues.flatMap((i) =>
      // An unknown field is named itself, not its parent object.
      i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ field: at([...i.path, k]), message: 'is not a known field' })) : [{ field: at(i.path), message: i.message }],
    ),
  );
}

export function toErrorResponse(err: unknown, c: Context, log?: Logger): Response {
  if (err instanceof ZodError) err = zodToValidationError(err);
  if (err instanceof DomainError) {
    if (err instanceof TooManyRequestsError) c.header('Retry-After', String(err.retryAfterSeconds));
    return c.json(errorBody(err.code, err.message, err.details), STATUS[err.kind]);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 401 ? 'unauthenticated' : status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'bad_request';
    return c.json(errorBody(code, err.message || 'bad request'), status as ContentfulStatusCode);
  }
  if (err instanceof SyntaxError) {
    return c.json(errorBody('malformed_json', 'request body is not valid JSON'), 400);
  }
  // PostgreSQL's verdict on data the validators let through: class 22 ("data exception": a NUL
  // character, a date or number out of range) is always the input's fault; 23505/23503 are conflicts.
  const pgCode = (err as { code?: unknown }).code;
  if (typeof pgCode === 'string' && /^22[0-9A-Z]{3}$/.test(pgCode)) {
    return c.json(errorBody('invalid_value', 'a value is out of range or contains characters that cannot be stored (e.g. a NUL character)', { sqlState: pgCode }), 422);
  }
  if (pgCode === '23505') return c.json(errorBody('conflict', 'this would duplicate an existing record'), 409);
  if (pgCode === '23503') return c.json(errorBody('conflict', 'this refers to, or is referred to by, another record'), 409);
  const requestId = c.get('requestId' as never) as string | undefined;
  log?.error({ err, requestId, path: c.req.path }, 'unhandled error');
  return c.json(errorBody('internal', 'internal error', requestId ? { requestId } : undefined), 500);
}
