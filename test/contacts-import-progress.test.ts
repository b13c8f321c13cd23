/**
 * A CSV import tells its importer how far it is: contact.import_progress events on the importer's
 * own event stream while the rows are written (at most two a second), then one marked done with
 * the same counts as the report. Nobody else sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHerald } from './setup/harness.ts';
import { createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { createApp } from '../api/app.ts';
import { openEventStream, until, type SseEvent } from './fixtures/sse.ts';

let herald: Awaited<ReturnType<typeof startHerald>>;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let manager: string;
let colleague: string;

beforeAll(async () => {
  herald = await startHerald({ consoleDir: '/nonexistent' });
  app = createApp(herald.deps);
  acme = await createApiCompany(herald.deps.orm, 'import-progress');
  manager = (await signIn(app, acme.users.manager.email)).token;
  colleague = (await signIn(app, acme.users.admin.email)).token;
});
afterAll(async () => {
  await herald?.close();
});

const importCsv = (token: string, csv: string, headers: Record<string, string> = {}) =>
  fetch(`${herald.baseUrl}/api/contacts/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...headers }, body: csv });

describe('contact.import_progress', () => {
  it("streams a large import's progress to the importer, ending with the report's counts", async () => {
    const mine = await openEventStream(herald.baseUrl, manager);
    const theirs = await openEventStream(herald.baseUrl, colleague);
    try {
      // 40 000 rows: 80 chunks, long enough for progress before the end; two rows rejected.
      const lines = ['email,first_name,region'];
      for (let i = 1; i <= 40_000; i++) lines.push(i === 7 || i === 30_000 ? `not-an-address-${i},X,East` : `p${i}@import.example,P${i},${i % 2 ? 'East' : 'West'}`);
      const res = await importCsv(manager, `${lines.join('\n')}\n`, { 'x-import-id': 'big-import-1' });
      expect(res.status).toBe(200);
      const report = (await res.json()) as { inserted: number; updated: number; rejectedCount: number };
      expect(report).toMatchObject({ inserted: 39_998, updated: 0, rejectedCount: 2 });

      const progress = () => mine.events.filter((e) => e.event === 'contact.import_progress' && e.data.importId === 'big-import-1');
      const done = await until(() => progress().find((e) => e.data.done === true));
      expect(done.data).toMatchObject({ importId: 'big-import-1', rows: 40_000, inserted: 39_998, updated: 0, rejectedCount: 2, done: true });
      // Progress while the rows were written: fewer rows than the whole, and never going back.
      const before = progress().filter((e) => e.data.done !== true);
      expect(before.length).toBeGreaterThan(0);
      const rows = before.map((e: SseEvent) => e.data.rows as number);
      expect(rows.every((n, i) => n > 0 && n < 40_000 && (i === 0 || n >= rows[i - 1]!))).toBe(true);
      // Only the importer's stream carries them.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(theirs.events.filter((e) => e.event === 'contact.import_progress')).toEqual([]);
    } finally {
      mine.close();
      theirs.close();
    }
  }, 60_000);

  it('names an import by a random id when the client gives none, and refuses a malformed one', async () => {
    const mine = await openEventStream(herald.baseUrl, manager);
    try {
      const res = await importCsv(manager, 'email\nsolo@import.example\n');
      expect(res.status).toBe(200);
      const done = await until(() => mine.events.find((e) => e.event === 'contact.import_progress' && e.data.done === true && e.data.rows === 1));
      expect(done.data.importId).toMatch(/^[0-9a-f-]{36}$/);
      const bad = await importCsv(manager, 'email\nx@import.example\n', { 'x-import-id': 'no spaces allowed' });
      expect(bad.status).toBe(422);
      expect(JSON.stringify(await bad.json())).toContain('x-import-id');
    } finally {
      mine.close();
    }
  });
});
