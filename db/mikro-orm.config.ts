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
  const mode = new URL(url).searchParams.get('sslmode');
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

// Used by the mikro-orm CLI (`npm run migration:create`), which reads DATABASE_URL.
export default ormConfig({ clientUrl: process.env.DATABASE_URL ?? 'postgres://herald:herald@127.0.0.1:54329/herald' });
