/**
 * `npm run migration:create -- [name]`: diffs the entities against a database migrated to the
 * latest committed migration and writes the difference as a new migration in migrations/.
 * Uses DATABASE_URL when set, otherwise a throw-away embedded PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initOrm } from '../db/orm.ts';
import { startEmbeddedPostgres } from './lib/postgres.ts';
import { freePort } from './lib/ports.ts';

const name = process.argv[2];
let stop = async () => {};
let url = process.env.DATABASE_URL;
if (!url) {
  const dir = mkdtempSync(join(tmpdir(), 'herald-migration-'));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort() });
  url = pg.url('postgres');
  stop = async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
try {
  const orm = await initOrm({ clientUrl: url, migrate: true });
  const migrator = orm.getMigrator();
  const initial = (await migrator.getExecutedMigrations()).length === 0;
  const result = await migrator.createMigration(undefined, false, initial, name);
  console.log(
    result.fileName
      ? `created migrations/${result.fileName}: add it to MIGRATIONS in migrations/index.ts`
      : 'entities and migrations agree: nothing to create',
  );
  await orm.close();
} finally {
  await stop();
}
