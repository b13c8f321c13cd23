/**
 * The hot read routes' one statement (campaign list and detail, approvals queue) sent straight to a
 * pooled pg connection, as a named prepared statement (db/prepared.ts says why prepared).
 *
 * Through knex each of these queries built a Raw, rewrote `?` into `$n`, merged the query options
 * with lodash and ran the runner and MikroORM's patched `Client.query`: about a tenth of a campaign
 * get's CPU in the API. Here the connection comes from the same knex pool (tarn) and goes back to
 * it, the `$n` text is computed once per statement, and the values go to pg exactly as knex passed
 * them (arrays, dates and strings untouched). Inside `em.transactional()` the statement runs on the
 * transaction's connection through knex, so a read after a write in the same transaction sees it.
 */
import { createHash } from 'node:crypto';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.ts';

interface PgConnection {
  query: (config: { name: string; text: string; values: readonly unknown[] }) => Promise<{ rows: unknown[] }>;
}

interface PoolClient {
  acquireConnection: () => Promise<PgConnection>;
  releaseConnection: (connection: PgConnection) => Promise<void>;
}

const statements = new Map<string, { name: string; text: string }>();

/**
 * `?` placeholders as `$1…$n`, and a name of its own (a digest of the text, so two statements never
 * share one; its prefix keeps it apart from db/prepared.ts's names on the same pooled connection).
 */
function statementOf(text: string): { name: string; text: string } {
  let s = statements.get(text);
  if (!s) {
    if (/\\\?|\?\?/.test(text)) throw new Error('readRows takes plain `?` placeholders only');
    let n = 0;
    s = { name: `r_${createHash('sha1').update(text).digest('base64url')}`, text: text.replace(/\?/g, () => `$${++n}`) };
    if (statements.size < 1000) statements.set(text, s);
  }
  return s;
}

/** Runs one read statement (`?` placeholders) and returns its rows. */
export async function readRows<T>(em: EntityManager, text: string, bindings: readonly Knex.Value[]): Promise<T[]> {
  const trx = em.getTransactionContext() as Knex.Transaction | undefined;
  if (trx) return (await prepared<{ rows: T[] }>(trx, text, bindings)).rows;
  const statement = statementOf(text);
  const client = em.getKnex().client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ name: statement.name, text: statement.text, values: bindings })).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
