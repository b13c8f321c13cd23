/**
 * The seeders' set-based statements are written once, with `$n` placeholders, and run either on a
 * node-postgres client (scripts) or inside the ORM's knex transaction (the demo seed, so the whole
 * demo lands in one transaction). Values always travel as bindings.
 */
import type pg from 'pg';
import type { Knex } from '@mikro-orm/postgresql';

export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

export type RunSql = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<SqlResult<R>>;

export function pgRunner(client: Pick<pg.ClientBase, 'query'>): RunSql {
  return async <R>(sql: string, params: unknown[] = []) => {
    const res = await client.query(sql, params);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  };
}

/**
 * knex numbers `?` placeholders itself, so `$n` becomes `?` with the value repeated per use. The
 * statements given here must hold no other `?` or `$` (no jsonb `?` operator, no dollar quoting).
 */
export function knexRunner(trx: Knex | Knex.Transaction): RunSql {
  return async <R>(sql: string, params: unknown[] = []) => {
    if (sql.includes('?')) throw new Error('knexRunner: a statement with a literal ? would be misread as a placeholder');
    const bindings: unknown[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      const i = Number(n) - 1;
      if (i < 0 || i >= params.length) throw new Error(`knexRunner: no value for $${n}`);
      bindings.push(params[i]);
      return '?';
    });
    const res = (await trx.raw(text, bindings as Knex.RawBinding[])) as { rows: R[]; rowCount: number | null };
    return { rows: res.rows, rowCount: res.rowCount ?? 0 };
  };
}
