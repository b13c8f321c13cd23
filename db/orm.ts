import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { describeDatabaseUrl } from '../config/env.ts';
import { ormConfig, sslFromUrl, type OrmOptions } from './mikro-orm.config.ts';

export type Orm = MikroORM;

/** Opens the ORM once per process; with `migrate`, applies pending migrations (never schema:update). */
export async function initOrm(opts: OrmOptions & { migrate?: boolean }): Promise<MikroORM> {
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(ormConfig(opts));
    await orm.em.getConnection().execute('select 1');
  } catch (err) {
    throw new DatabaseUnavailableError(opts.clientUrl, err);
  }
  if (opts.migrate) await migrate(orm, opts.clientUrl);
  return orm;
}

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so an API and several workers that
 * start together migrate once, one after the other, instead of racing.
 */
export async function migrate(orm: MikroORM, clientUrl: string): Promise<void> {
  const lock = new pg.Client({ connectionString: clientUrl, ssl: sslFromUrl(clientUrl) });
  await lock.connect();
  try {
    await lock.query("select pg_advisory_lock(hashtext('herald:migrations'))");
    await orm.getMigrator().up();
  } finally {
    await lock.end();
  }
}

export class DatabaseUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`DATABASE_URL: cannot connect to ${describeDatabaseUrl(url)}: ${reason(cause)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

function reason(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: string; message?: string; errors?: unknown[] };
    if (Array.isArray(e.errors) && e.errors.length > 0) return reason(e.errors[0]);
    return [e.code, e.message?.split('\n')[0]].filter(Boolean).join(' ');
  }
  return String(err);
}

/** For /readyz: reachable and nothing pending. */
export async function databaseStatus(orm: MikroORM): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const pending = await orm.getMigrator().getPendingMigrations();
    if (pending.length > 0) return { ok: false, reason: `${pending.length} migration(s) not applied` };
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: reason(err) };
  }
}
