/** A provider's messages-per-second limit holds across workers and campaigns. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './setup/db.ts';
import { startTestWorker } from './setup/worker.ts';
import { testConfig } from './setup/harness.ts';
import { createRateLimiter } from '../activities/rate-limit.ts';
import { createCampaignFixture } from './fixtures/campaigns.ts';
import { startHttpSink, type HttpSink } from '../channels/sinks/http-sink.ts';
import { createChannels } from '../channels/index.ts';
import { freePort } from '../scripts/lib/ports.ts';
import { campaignHandle, startCampaign } from '../api/campaign-lifecycle.ts';

let db: TestDatabase;
let http: HttpSink;
beforeAll(async () => {
  db = await createTestDatabase();
  http = await startHttpSink({ port: await freePort() });
});
afterAll(async () => {
  await http?.close();
  await db?.drop();
});

describe('provider rate limits', () => {
  it('shares one budget between limiters of different workers', async () => {
    const knex = () => db.orm.em.getKnex();
    // Two workers' limiters for the same provider, each wanting 300 messages at once.
    const workers = [createRateLimiter(knex, 'test-provider', 200), createRateLimiter(knex, 'test-provider', 200)];
    const start = Date.now();
    await Promise.all(workers.map((l) => Promise.all(Array.from({ length: 300 }, () => l.take()))));
    const seconds = (Date.now() - start) / 1000;
    // 600 messages at 200/s with a 20-message burst: at least 2.9 s, whatever the number of workers.
    expect(seconds).toBeGreaterThanOrEqual(2.8);
    expect(seconds).toBeLessThan(6);
  });

  it('paces a campaign to the configured rate', async () => {
    const url = `http://127.0.0.1:${http.port}`;
    const channels = createChannels(testConfig({ PROVIDER_HTTP_URL: url }));
    const worker = await startTestWorker(db.orm, channels, { env: { RATE_LIMITS: 'sms=100' } });
    try {
      const f = await createCampaignFixture(db.orm, { slug: 'paced', contacts: 300, channel: 'sms' });
      await startCampaign(
        worker.client,
        { version: 1, campaignId: f.campaignId, companyId: f.companyId, createdBy: f.creatorId, approvalRequired: false, startAt: null, contentHash: 'h', options: { batchSize: 100, maxInFlight: 2 } },
        worker.taskQueue,
      );
      const started = Date.now();
      const result = await campaignHandle(worker.client, f.campaignId).result();
      const seconds = (Date.now() - started) / 1000;
      expect(result.counts.sent).toBe(300);
      // 300 at 100/s: about 3 s (less the 10-message burst), though two batches run at once.
      expect(seconds).toBeGreaterThanOrEqual(2.7);
      const stats = (await (await fetch(`${url}/_sink/stats`)).json()) as { accepted: number };
      expect(stats.accepted).toBe(300);
    } finally {
      await worker.close();
      await channels.closeAll();
    }
  });

  it('rejects a malformed RATE_LIMITS naming the variable', () => {
    expect(() => testConfig({ RATE_LIMITS: 'email:100' })).toThrow(/^RATE_LIMITS: expected channel=messagesPerSecond pairs/);
    expect(testConfig({ RATE_LIMITS: 'email=2000,sms=100' }).RATE_LIMITS).toEqual({ email: 2000, sms: 100 });
  });
});
