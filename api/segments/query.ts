/** Small pieces the catalogue resources (segments, contacts, templates, budgets) share for their SQL and queries. */
import { z } from '../openapi-zod.ts';

export const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** An ILIKE pattern matching `text` anywhere, with `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** `true` / `false` in a query string (seed 001's `is_active=true`). */
export const BoolQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

/** Postgres' unique-violation on a named constraint, to turn a race into the same 422 as the pre-check. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e.code === '23505' && (e.constraint === constraint || String(e.message).includes(constraint));
}
