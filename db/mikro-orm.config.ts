import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';
import { ENTITIES } from './entities/index.ts';
import { MIGRATIONS } from '../migrations/index.ts';

const migrationsPath = fileURLToPath(new URL('../migrations', import.meta.url));

export interface OrmOptions {
  clientUrl: string;
  poolMax?: number;
  debug?: boolean;
}

/**
 * MikroORM rebuilds the pool's connection from host/user/password/database and drops the URL's
 * query, so `?sslmode=` (what managed PostgreSQL services hand out) is carried over here.
 */
export function sslFromUrl(url: string): false | { rejectUnauthorized: boolean } {
  let mode: string | null = null;
  try {
    mode = new URL(url).searchParams.get('sslmode');
  } catch {
    return false; // a malformed URL is reported by the config schema or the connection attempt
  }
  if (mode === 'require' || mode === 'prefer' || mode === 'no-verify') return { rejectUnauthorized: false };
  if (mode === 'verify-ca' || mode === 'verify-full') return { rejectUnauthorized: true };
  return false;
}

export function ormConfig(opts: OrmOptions) {
  const ssl = sslFromUrl(opts.clientUrl);
  return defineConfig({
    clientUrl: opts.clientUrl,
    ...(ssl ? { driverOptions: { connection: { ssl } } } : {}),
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { checkDuplicateFieldNames: true },
    pool: { min: 0, max: opts.poolMax ?? 10 },
    debug: opts.debug ?? false,
    forceUtcTimezone: true,
    // Forking per request and per activity is the rule; the global manager is never used.
    allowGlobalContext: false,
    // A view over the day rollups (migrations/…_campaign_funnels_view.ts), read through its entity:
    // not a table for the schema diff to create or compare.
    schemaGenerator: { skipTables: ['campaign_funnels'] },
    migrations: {
      path: migrationsPath,
      pathTs: migrationsPath,
      migrationsList: MIGRATIONS,
      transactional: true,
      silent: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
  });
}
