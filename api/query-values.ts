/** Small pieces every resource shares for its SQL and query strings. */
import { escapeLike } from '../domain/segment-sql.ts';
import { z } from './openapi-zod.ts';

/** PostgreSQL's text form of a UTC timestamptz, as the ORM's pg connection hands it over ("2026-11-25 09:30:00.123456+00"). */
const PG_UTC = /^([1-9]\d{3}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * ISO 8601 in UTC with milliseconds. A timestamp from PostgreSQL in UTC (the session's zone here) is
 * rewritten as text: V8's fallback parser for that form cost ~0.6 µs a value, 75 values a page of the
 * campaign list. The result is the same string `new Date(v).toISOString()` gives (fraction truncated
 * to milliseconds; iso.test.ts compares them); any other form (another offset, a year before 1000,
 * a Date) still goes through Date.
 */
export const iso = (v: Date | string | null | undefined): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const m = PG_UTC.exec(v);
    if (m) {
      const f = m[3];
      return `${m[1]}T${m[2]}.${f === undefined ? '000' : f.length >= 3 ? f.slice(0, 3) : f.padEnd(3, '0')}Z`;
    }
  }
  return new Date(v).toISOString();
};

/** An ILIKE pattern matching `text` anywhere, with `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** `true` / `false` in a query string (seed 001's `is_active=true`). */
export const BoolQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
