/**
 * The hash an approval records: what the approver saw — content per channel, variants, sender and
 * audience (segment and rules). One function for the API, recurring occurrences and the demo seed,
 * so the same campaign always hashes the same wherever it is computed. Keys are sorted before
 * hashing: PostgreSQL's jsonb reorders object keys, and a hash must not change on a round trip.
 */
import { createHash } from 'node:crypto';

export interface ApprovedContent {
  content: unknown;
  variants: unknown;
  sender: unknown;
  audience: { segmentId: string | null; rules: unknown } | null;
}

/** JSON with object keys in code-point order at every depth; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function approvalContentHash(c: ApprovedContent): string {
  const audience = c.audience ? { segmentId: c.audience.segmentId ?? null, rules: c.audience.rules ?? null } : null;
  return createHash('sha256')
    .update(canonicalJson({ content: c.content ?? {}, variants: c.variants ?? [], sender: c.sender ?? {}, audience }))
    .digest('hex');
}
