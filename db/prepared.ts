/**
 * Raw SQL run as a named prepared statement: PostgreSQL parses and plans it once per connection (and
 * after a few runs keeps a generic plan) instead of on every request. On the hot read routes the
 * planning of each statement was a large share of the database's CPU per request. The name is a
 * digest of the text, so two different statements can never share one; the texts must not embed
 * values (they go in `bindings`), or each value would prepare a statement of its own.
 */
import { createHash } from 'node:crypto';
import type { Knex } from '@mikro-orm/postgresql';

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `h_${createHash('sha1').update(text).digest('base64url')}`;
    // A bounded memo: the hot statements are a handful; anything past that is only hashed again.
    if (names.size < 1000) names.set(text, name);
  }
  return name;
}

export function prepared<T>(sql: Knex | Knex.Transaction, text: string, bindings: readonly Knex.Value[]) {
  return sql.raw<T>(text, bindings as Knex.Value[]).options({ name: nameOf(text) });
}
