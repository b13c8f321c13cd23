/**
 * Provider faults, injected into the HTTP provider sink (its own process) during a real send:
 * 5 % of requests answered 500, bursts of 429 with Retry-After, and permanent rejects for chosen
 * numbers. Transient errors are retried message by message — never by re-sending a batch — a
 * permanent reject is recorded on its recipient and never retried, everyone else is delivered.
 * Then a provider that fails everything: the workflow must pause itself on the failure rate.
 * The chosen numbers and burst moments are seeded (FAULTS_SEED=<n> replays a run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';
import { startTestWorker, type TestWorker } from '../setup/worker.ts';
import { testConfig } from '../setup/harness.ts';
import { createCampaignFixture } from '../fixtures/campaigns.ts';
import { startSinkProcess, type SinkProcess } from '../fixtures/reliability-processes.ts';
import { rowStatuses, seedFrom, seededRandom, sendingInput, waitFor } from '../fixtures/reliability.ts';
import { createChannels } from '../../channels/index.ts';
import type { SinkFaults } from '../../channels/sinks/http-sink.ts';
import { campaignHandle, campaignState, startCampaign } from '../../api/campaign-lifecycle.ts';
import { stopSignal } from '../../workflows/campaign-messages.ts';

const AUDIENCE = 3_000;
const REJECTED = 20;
const SEND_CONCURRENCY = 10;
const MAX_IN_FLIGHT = 2;

let db: TestDatabase;
let sinks: SinkProcess;
let channels: ReturnType<typeof createChannels>;
let worker: TestWorker;

beforeAll(async () => {
  db = await createTestDatabase();
  sinks = await startSinkProcess({ keep: AUDIENCE + 1000 });
  channels = createChannels(testConfig({ PROVIDER_HTTP_URL: sinks.httpUrl }));
  worker = await startTestWorker(db.orm, channels, { sendConcurrency: SEND_CONCURRENCY });
});
afterAll(async () => {
  await worker?.close();
  await channels?.closeAll();
  await sinks?.stop();
  await db?.drop();
});

/** The fixture's numbers: '+1555' and the contact's index, zero-padded to 7 digits. */
const phone = (i: number) => `+1555${String(i).padStart(7, '0')}`;

describe('provider faults', () => {
  it('5 % errors, 429 bursts and 20 permanent rejects: no batch re-sent, rejects recorded once, the rest delivered', async () => {
    const seed = seedFrom('FAULTS_SEED');
    console.log(`[faults] seed ${seed} (replay with FAULTS_SEED=${seed})`);
    const rand = seededRandom(seed);
    const chosen = new Set<string>();
    while (chosen.size < REJECTED) chosen.add(phone(1 + Math.floor(rand() * AUDIENCE)));
    const base: SinkFaults = { errorRate: 0.05, rejectAddresses: [...chosen] };
    await sinks.setFaults(base);
    const before = await sinks.stats();

    const f = await createCampaignFixture(db.orm, { slug: 'faults', contacts: AUDIENCE, channel: 'sms' });
    await startCampaign(worker.client, sendingInput(f, { batchSize: 500, maxInFlight: MAX_IN_FLIGHT }), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);
    // Three bursts of 50 × 429 (Retry-After: 1) at random moments of the first, middle and last third.
    for (const third of [0, 1, 2]) {
      const at = Math.floor(AUDIENCE * ((third + 0.2 + 0.6 * rand()) / 3));
      await waitFor(sinks.stats, (s) => s.accepted - before.accepted >= at, 90_000, 20);
      await sinks.setFaults({ ...base, throttleNext: 50, retryAfterSeconds: 1 });
    }
    const result = await handle.result();
    const stats = await sinks.stats();
    const d = (k: 'accepted' | 'duplicates' | 'rejected' | 'errors' | 'throttled' | 'requests' | 'uniqueKeys') => stats[k] - before[k];
    console.log(
      `[faults] requests ${d('requests')}: accepted ${d('accepted')}, 500s ${d('errors')}, 429s ${d('throttled')}, ` +
        `permanent rejects ${d('rejected')}, repeated keys deduplicated ${d('duplicates')}; result ${JSON.stringify(result.counts)}`,
    );

    expect(result.status).toBe('completed');
    expect(d('throttled')).toBe(150);
    expect(d('errors')).toBeGreaterThan(0);
    // No re-sent batch: each key accepted once. A repeated key could only come from a request whose
    // answer was lost (at most the messages in flight); a batch sent again would repeat hundreds.
    expect(d('accepted')).toBe(AUDIENCE - REJECTED);
    expect(d('uniqueKeys')).toBe(AUDIENCE - REJECTED);
    expect(d('duplicates')).toBeLessThanOrEqual(SEND_CONCURRENCY * MAX_IN_FLIGHT);
    const delivered = (await sinks.messages(AUDIENCE + 1000)).filter((m) => m.idempotencyKey?.startsWith(`herald-${f.campaignId}-`));
    expect(new Set(delivered.map((m) => m.to)).size).toBe(AUDIENCE - REJECTED);
    // Each permanent reject asked once, recorded on its recipient with the provider's code.
    expect(d('rejected')).toBe(REJECTED);
    const failed = await db.orm.em.getKnex().raw<{ rows: { address: string; reason: string; error: string }[] }>(
      `select address, reason, error from campaign_recipients where campaign_id = ? and status = 'failed' order by address`,
      [f.campaignId],
    );
    expect(failed.rows.map((r) => r.address)).toEqual([...chosen].sort());
    expect(new Set(failed.rows.map((r) => r.reason))).toEqual(new Set(['21211']));
    // Everyone else delivered; the workflow's counters are the rows'.
    const rows = await rowStatuses(db.orm, f.campaignId);
    expect(rows).toEqual({ sent: AUDIENCE - REJECTED, failed: REJECTED });
    expect(result.counts).toEqual({ audience: AUDIENCE, sent: rows.sent, failed: rows.failed, skipped: 0, remaining: 0 });
  }, 180_000);

  it('pauses itself when the failure rate passes the threshold (every send answered 500)', async () => {
    await sinks.setFaults({ errorRate: 1 });
    const f = await createCampaignFixture(db.orm, { slug: 'broken-provider', contacts: 500, channel: 'sms' });
    await startCampaign(worker.client, sendingInput(f, { batchSize: 50, maxInFlight: MAX_IN_FLIGHT, failureWindow: 50, failureRate: 0.5 }), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);
    const started = Date.now();
    try {
      // 100 messages are tried within ~8 s (3 tries each, 0.5 s and 1 s apart, 10 at a time per batch).
      const state = await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'paused', 30_000, 200).catch(async (err: Error) => {
        const s = await campaignState(worker.client, f.campaignId);
        const errors = (await sinks.stats()).errors;
        console.log(`[faults broken] after ${Date.now() - started} ms: status ${s.status}, counts ${JSON.stringify(s.counts)}, lastError ${s.lastError}, provider 500s ${errors}, rows ${JSON.stringify(await rowStatuses(db.orm, f.campaignId))}`);
        throw err;
      });
      console.log(`[faults broken] paused after ${Date.now() - started} ms: ${state.pauseReason}`);
      expect(state.pauseReason).toMatch(/fail/);
      // Not burned through: a refusal for now never fails a recipient; every row waits for a resume.
      expect(state.counts.failed).toBe(0);
      expect(await rowStatuses(db.orm, f.campaignId)).toEqual({ pending: 500 });
      // The owners are told why (the notification is sent beside the pause, not before it).
      const notified = () =>
        db.orm.em
          .getKnex()
          .raw<{ rows: { n: string }[] }>(`select count(*) as n from notifications where kind = 'campaign.failure_rate' and payload->>'campaignId' = ?`, [f.campaignId])
          .then((r) => Number(r.rows[0]!.n));
      expect(await waitFor(notified, (n) => n > 0, 10_000)).toBeGreaterThan(0);
    } finally {
      await sinks.setFaults({});
      await handle.signal(stopSignal, { actorId: f.creatorId, reason: 'test over' });
      await handle.result().catch(() => undefined);
    }
  }, 90_000);
});
