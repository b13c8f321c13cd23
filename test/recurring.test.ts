/** Recurring campaigns: a Temporal Schedule starts one run per occurrence, each a campaign of its own. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { startTestWorker, type TestWorker } from './setup/worker.ts';
import { testConfig } from './setup/harness.ts';
import { createCampaignFixture } from './fixtures/campaigns.ts';
import { startHttpSink, type HttpSink } from '../channels/sinks/http-sink.ts';
import { createChannels } from '../channels/index.ts';
import { freePort } from '../scripts/lib/ports.ts';
import { recurringSchedule, scheduleRecurringCampaign } from '../api/campaign-lifecycle.ts';

let db: TestDatabase;
let http: HttpSink;
let worker: TestWorker;
let channels: ReturnType<typeof createChannels>;
let url: string;

beforeAll(async () => {
  db = await createTestDatabase();
  http = await startHttpSink({ port: await freePort() });
  url = `http://127.0.0.1:${http.port}`;
  channels = createChannels(testConfig({ PROVIDER_HTTP_URL: url }));
  worker = await startTestWorker(db.orm, channels);
});
afterAll(async () => {
  await worker?.close();
  await channels?.closeAll();
  await http?.close();
  await db?.drop();
});

async function occurrences(companyId: string) {
  const res = await db.orm.em.getKnex().raw<{ rows: { id: string; code: string; status: string; sent: string }[] }>(
    `select k.id, k.code, k.status, (select count(*) from campaign_recipients r where r.campaign_id = k.id and r.status = 'sent') as sent
     from campaigns k where k.company_id = ? and k.code like 'CMP-TEST-%' order by k.created_at`,
    [companyId],
  );
  return res.rows;
}

describe('recurring campaigns', () => {
  it('sends each occurrence as its own campaign, and pauses and deletes with the campaign', async () => {
    const f = await createCampaignFixture(db.orm, { slug: 'weekly', contacts: 20, channel: 'sms' });
    await scheduleRecurringCampaign(
      worker.client,
      { campaignId: f.campaignId, companyId: f.companyId, createdBy: f.creatorId, approvalRequired: false, options: { searchAttributes: true } },
      { everyMs: 7 * 24 * 3600_000 },
      worker.taskQueue,
    );
    const schedule = recurringSchedule(worker.client, f.campaignId);
    // Two occurrences now instead of waiting two weeks.
    await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const deadline = Date.now() + 100_000; // generous: a loaded CI machine runs many suites at once
    let first = await occurrences(f.companyId);
    while ((first.length < 1 || first.some((o) => o.status !== 'completed')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      first = await occurrences(f.companyId);
    }
    // A schedule names each run after its trigger time to the second: a second trigger within the
    // same second would reuse the first run's id and be dropped, so cross into the next second.
    await new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)));
    await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    let all = first;
    while ((all.length < 2 || all.some((o) => o.status !== 'completed')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      all = await occurrences(f.companyId);
    }
    expect(all.map((o) => [o.status, Number(o.sent)])).toEqual([
      ['completed', 20],
      ['completed', 20],
    ]);
    expect(new Set(all.map((o) => o.code)).size).toBe(2);
    const stats = (await (await fetch(`${url}/_sink/stats`)).json()) as { accepted: number; duplicates: number };
    expect(stats.accepted).toBe(40); // everyone once per occurrence
    expect(stats.duplicates).toBe(0);

    await schedule.pause('campaign paused');
    expect((await schedule.describe()).state.paused).toBe(true);
    await schedule.unpause();
    expect((await schedule.describe()).state.paused).toBe(false);
    await schedule.delete();
    await expect(schedule.describe()).rejects.toThrow();
  }, 150_000);
});
