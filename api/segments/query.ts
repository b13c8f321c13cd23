/** Small pieces the catalogue resources (segments, contacts, templates, budgets) share for their SQL and queries. */
export { BoolQuery, containsPattern, iso } from '../query-values.ts';

/** Postgres' unique-violation on a named constraint, to turn a race into the same 422 as the pre-check. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e.code === '23505' && (e.constraint === constraint || String(e.message).includes(constraint));
}
