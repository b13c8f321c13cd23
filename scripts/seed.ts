/**
 * `npm run seed -- --contacts 1000000 [--company acme-retail] [--batch 100000] [--parallel 2]`
 *
 * Adds generated contacts to a company (created if missing) of the database `npm start` uses
 * (DATABASE_URL, or the embedded PostgreSQL on EMBEDDED_PG_PORT, which must be running), in
 * set-based batches, then VACUUM ANALYZE. Prints rows per second. Re-running adds more rows.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { describeDatabaseUrl, loadConfig } from '../config/env.ts';
import { initOrm } from '../db/orm.ts';
import { bulkInsertContacts, ensureCompany } from '../db/seed/bulk.ts';
import { DEMO_COMPANY_SLUG } from '../db/seed/demo.ts';
import { databaseUrl } from './lib/defaults.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string' },
    company: { type: 'string', default: DEMO_COMPANY_SLUG },
    batch: { type: 'string', default: '100000' },
    parallel: { type: 'string', default: '2' },
  },
});

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`seed: --${name} must be a positive whole number${raw === undefined ? ' (required)' : `, got ${raw}`}\n`);
    process.exit(2);
  }
  return n;
}

const count = positive('contacts', values.contacts);
const batch = positive('batch', values.batch);
const parallel = positive('parallel', values.parallel);
const slug = values.company;
const url = databaseUrl(loadConfig());

// Applies pending migrations, as `npm start` would, so an empty DATABASE_URL works too.
try {
  await (await initOrm({ clientUrl: url, migrate: true, poolMax: 1 })).close();
} catch (err) {
  process.stderr.write(`seed: ${(err as Error).message}\n  (start Herald with npm start, or set DATABASE_URL)\n`);
  process.exit(1);
}

const client = new pg.Client({ connectionString: url });
await client.connect();
const companyId = await ensureCompany(client, slug);
await client.end();

console.log(`seeding ${count.toLocaleString('en')} contacts for ${slug} on ${describeDatabaseUrl(url)} (batches of ${batch.toLocaleString('en')}, ${parallel} connection(s))`);
let lastPrint = 0;
const result = await bulkInsertContacts({
  url,
  companyId,
  slug,
  count,
  batch,
  parallel,
  onBatch: (done, total) => {
    if (performance.now() - lastPrint > 2000 || done === total) {
      lastPrint = performance.now();
      process.stdout.write(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}\n`);
    }
  },
});
const seconds = result.insertMs / 1000;
console.log(
  `inserted ${result.inserted.toLocaleString('en')} contacts (rows ${result.from}..${result.from + count - 1}) in ${seconds.toFixed(1)} s: ` +
    `${Math.round(result.inserted / seconds).toLocaleString('en')} rows/s; vacuum analyze ${(result.vacuumMs / 1000).toFixed(1)} s`,
);
if (result.inserted < count) console.log(`${count - result.inserted} rows skipped: their emails were already taken`);
