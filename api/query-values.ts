/** Small pieces every resource shares for its SQL and query strings. */
import { escapeLike } from '../domain/segment-sql.ts';
import { z } from './openapi-zod.ts';

export const iso = (v: Date | string | null | undefined): string | null => (v === null || v === undefined ? null : new Date(v).toISOString());

/** An ILIKE pattern matching `text` anywhere, with `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** `true` / `false` in a query string (seed 001's `is_active=true`). */
export const BoolQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
