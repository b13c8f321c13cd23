/**
 * Large-volume contact generation for benchmarks (`npm run seed`, `npm run bench:segment`): batches
 * of set-based inserts (db/seed/contacts.ts) spread over a few connections, then VACUUM ANALYZE (of
 * contacts and of contacts_segmentable, which its triggers fill) so the planner knows the new rows
 * and index-only scans work.
 */
import pg from 'pg';
import { contactProfile, insertContacts } from './contacts.ts';
import { pgRunner } from './sql.ts';

export interface BulkContactsOptions {
  url: string;
  companyId: string;
  /** Company slug: picks the email domain and hash salt (contacts.ts `contactProfile`). */
  slug: string;
  count: number;
  /** First row number; default: one after the company's current number of contacts. */
  from?: number;
  asOf?: Date;
  /** Rows per INSERT statement. Default 100 000. */
  batch?: number;
  /** Statements in flight at once, one connection each. Default 2. */
  parallel?: number;
  onBatch?: (done: number, total: number) => void;
}

export interface BulkResult {
  inserted: number;
  from: number;
  insertMs: number;
  vacuumMs: number;
}

/** Finds the company by slug or creates it (name = slug in words); returns its id. */
export async function ensureCompany(client: Pick<pg.ClientBase, 'query'>, slug: string, name?: string): Promise<string> {
  const found = await client.query<{ id: string }>('select id from companies where slug = $1', [slug]);
  if (found.rows[0]) return found.rows[0].id;
  const label = name ?? slug.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  const created = await client.query<{ id: string }>(
    'insert into companies (name, slug) values ($1, $2) on conflict (slug) do update set slug = excluded.slug returning id',
    [label, slug],
  );
  return created.rows[0]!.id;
}

export async function bulkInsertContacts(opts: BulkContactsOptions): Promise<BulkResult> {
  const batch = opts.batch ?? 100_000;
  const parallel = Math.max(1, opts.parallel ?? 2);
  if (!Number.isSafeInteger(opts.count) || opts.count < 1) throw new RangeError(`contacts: need a positive whole number, got ${opts.count}`);
  const pool = new pg.Pool({ connectionString: opts.url, max: parallel });
  try {
    const from =
      opts.from ?? Number((await pool.query<{ n: string }>('select count(*) as n from contacts where company_id = $1', [opts.companyId])).rows[0]!.n) + 1;
    const asOf = opts.asOf ?? new Date(Math.floor(Date.now() / 1000) * 1000);
    const profile = contactProfile(opts.slug);
    const ranges: [number, number][] = [];
    for (let lo = from; lo < from + opts.count; lo += batch) ranges.push([lo, Math.min(from + opts.count - 1, lo + batch - 1)]);

    const started = performance.now();
    let inserted = 0;
    let next = 0;
    const worker = async () => {
      const client = await pool.connect();
      try {
        // Durability of each batch's commit is not worth waiting for in a generator.
        await client.query('set synchronous_commit = off');
        for (let i = next++; i < ranges.length; i = next++) {
          const [lo, hi] = ranges[i]!;
          const n = await insertContacts(pgRunner(client), { companyId: opts.companyId, from: lo, to: hi, asOf, ...profile });
          inserted += n; // not `inserted += await …`: that reads `inserted` before the await and loses the other worker's rows
          opts.onBatch?.(inserted, opts.count);
        }
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, ranges.length) }, worker));
    const insertMs = performance.now() - started;

    const v = performance.now();
    // contacts_segmentable is filled by the triggers on contacts: audience counts read it.
    await pool.query('vacuum analyze contacts, contacts_segmentable');
    return { inserted, from, insertMs, vacuumMs: performance.now() - v };
  } finally {
    await pool.end();
  }
}
