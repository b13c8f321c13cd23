/**
 * The kinds of error Herald's code raises on purpose. The API maps each kind to one status and to
 * the one error shape `{ error: { code, message, details } }`; anything else is an internal error
 * whose details never leave the server.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `budget.total` or `rules.all[2].op`. */
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'validation' | 'not_found' | 'forbidden' | 'conflict' | 'unauthenticated' | 'precondition_failed' | 'too_many_requests';
  constructor(
    message: string,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 422: the input is wrong; `details` lists every offending field. */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(readonly issues: FieldIssue[], code = 'validation_failed') {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '), code, { issues });
  }
  static field(field: string, message: string, code?: string): ValidationError {
    return new ValidationError([{ field, message }], code);
  }
}

/** 404 */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(entity: string, id: string | number) {
    super(`${entity} ${id} not found`, 'not_found', { entity, id: String(id) });
  }
}

/** 403 */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(message: string, code = 'forbidden', details?: unknown) {
    super(message, code, details);
  }
}

/** 401 */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
  constructor(message = 'authentication required', code = 'unauthenticated') {
    super(message, code);
  }
}

/** 409: the request is valid but the current state forbids it (e.g. editing a sending campaign). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(message, code, details);
  }
}

/** 412: an `If-Match` version is stale. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed' as const;
  constructor(message: string, details?: unknown) {
    super(message, 'stale_version', details);
  }
}

/** 429: slow down; the API answers with `Retry-After`. */
export class TooManyRequestsError extends DomainError {
  readonly kind = 'too_many_requests' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 'rate_limited', { retryAfterSeconds });
  }
}
