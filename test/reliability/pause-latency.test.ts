/**
 * Pause latency: 20 pause/resume cycles during one send. For each, the time from the moment the
 * pause signal was accepted (the client call returned) to the last message the provider sink
 * accepted after it; the issue asks for under 5 s at p99 (with 20 samples: the maximum). Across all
 * cycles no recipient may be sent twice, and after the last resume everyone is sent once.
 * The pause moments are seeded (PAUSE_SEED=<n> replays a run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';
import { startTestWorker, type TestWorker } from '../setup/worker.ts';
import { testConfig } from '../setup/harness.ts';
import { createCampaignFixture } from '../fixtures/campaigns.ts';
import { startSinkProcess, type SinkProcess } from '../fixtures/reliability-processes.ts';
import { rowStatuses, seedFrom, seededRandom, sendingInput, sleep, waitFor } from '../fixtures/reliability.ts';
import { createChannels } from '../../channels/index.ts';
import { campaignHandle, campaignState, startCampaign } from '../../api/campaign-lifecycle.ts';
import { pauseSignal, resumeSignal, stopSignal } from '../../workflows/campaign-messages.ts';

const CYCLES = 20;
// Large enough that 20 cycles never run out of recipients, even on a loaded machine where more
// messages leave between a pause signal and its delivery (up to ~650 each were seen).
const AUDIENCE = 25_000;
const LIMIT_MS = 5_000;

let db: TestDatabase;
let sinks: SinkProcess;
let channels: ReturnType<typeof createChannels>;
let worker: TestWorker;

beforeAll(async () => {
  db = await createTestDatabase();
  sinks = await startSinkProcess({ keep: AUDIENCE + 1000 });
  channels = createChannels(testConfig({ PROVIDER_HTTP_URL: sinks.httpUrl }));
  worker = await startTestWorker(db.orm, channels);
});
afterAll(async () => {
  await worker?.close();
  await channels?.closeAll();
  await sinks?.stop();
  await db?.drop();
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

describe('pause latency', () => {
  it(`stops sending within ${LIMIT_MS / 1000} s of an accepted pause, over ${CYCLES} cycles, nobody sent twice`, async () => {
    await sinks.setFaults({ latencyMs: 10 });
    const seed = seedFrom('PAUSE_SEED');
    console.log(`[pause] seed ${seed} (replay with PAUSE_SEED=${seed})`);
    const rand = seededRandom(seed);
    const f = await createCampaignFixture(db.orm, { slug: 'pause-latency', contacts: AUDIENCE, channel: 'sms' });
    const mine = async () => (await sinks.messages(AUDIENCE + 1000)).filter((m) => m.idempotencyKey?.startsWith(`herald-${f.campaignId}-`));
    await startCampaign(worker.client, sendingInput(f, { batchSize: 500, maxInFlight: 2 }), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);

    const latencies: number[] = [];
    const toPaused: number[] = [];
    const afterSignal: number[] = [];
    let sentWhilePaused = 0;
    let accepted = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // Pause somewhere in the next 60–160 messages: mid-chunk, mid-batch, at random.
      const target = accepted + 60 + Math.floor(rand() * 100);
      await waitFor(sinks.stats, (s) => s.accepted >= target, 60_000, 10);
      await handle.signal(pauseSignal, { actorId: f.creatorId, reason: `cycle ${cycle}` });
      const pausedAt = Date.now();
      const atSignal = (await sinks.stats()).accepted;
      await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'paused', 60_000, 50);
      toPaused.push(Date.now() - pausedAt);
      // Paused with no batch in flight: nothing may arrive any more. Look once more a little later.
      const atPause = (await sinks.stats()).accepted;
      await sleep(300);
      const after = (await sinks.stats()).accepted;
      sentWhilePaused += after - atPause;
      afterSignal.push(atPause - atSignal);
      const last = Math.max(0, ...(await mine()).map((m) => Date.parse(m.receivedAt)));
      latencies.push(Math.max(0, last - pausedAt));
      accepted = after;
      await handle.signal(resumeSignal, { actorId: f.creatorId });
      await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status !== 'paused', 30_000, 50);
    }
    const result = await handle.result();

    const sorted = [...latencies].sort((a, b) => a - b);
    const stats = await sinks.stats();
    console.log(
      `[pause] ${CYCLES} cycles: last message after an accepted pause p50 ${percentile(sorted, 50)} ms, p90 ${percentile(sorted, 90)} ms, ` +
        `max ${sorted.at(-1)} ms; all: ${latencies.join(' ')}; signal → status paused max ${Math.max(...toPaused)} ms; ` +
        `messages accepted after the signal median ${percentile([...afterSignal].sort((a, b) => a - b), 50)}, max ${Math.max(...afterSignal)}; ` +
        `accepted ${stats.accepted}, duplicates ${stats.duplicates}`,
    );

    expect(percentile(sorted, 99)).toBeLessThan(LIMIT_MS);
    expect(sentWhilePaused).toBe(0);
    // Nobody twice: the provider never saw a key again, and every recipient was accepted once.
    expect(stats.duplicates).toBe(0);
    expect(stats.accepted).toBe(AUDIENCE);
    const messages = await mine();
    expect(messages).toHaveLength(AUDIENCE);
    expect(new Set(messages.map((m) => m.to)).size).toBe(AUDIENCE);
    expect(result.status).toBe('completed');
    expect(await rowStatuses(db.orm, f.campaignId)).toEqual({ sent: AUDIENCE });
    expect(result.counts).toEqual({ audience: AUDIENCE, sent: AUDIENCE, failed: 0, skipped: 0, remaining: 0 });
  }, 240_000);

  // The same promise with a slow provider (300 ms an answer): a batch must notice the pause within
  // the message in hand, not after the rest of the rows it claimed.
  it('stops a send through a slow provider within 5 s of an accepted pause', async () => {
    await sinks.setFaults({ latencyMs: 300 });
    const f = await createCampaignFixture(db.orm, { slug: 'pause-slow', contacts: 1_000, channel: 'sms' });
    const before = (await sinks.stats()).accepted;
    await startCampaign(worker.client, sendingInput(f, { batchSize: 500, maxInFlight: 2 }), worker.taskQueue);
    const handle = campaignHandle(worker.client, f.campaignId);
    try {
      await waitFor(sinks.stats, (s) => s.accepted - before >= 40, 60_000, 10);
      await handle.signal(pauseSignal, { actorId: f.creatorId, reason: 'slow provider' });
      const pausedAt = Date.now();
      const atSignal = (await sinks.stats()).accepted - before;
      await waitFor(() => campaignState(worker.client, f.campaignId), (s) => s.status === 'paused', 60_000, 50);
      const last = Math.max(0, ...(await sinks.messages(AUDIENCE + 1000)).filter((m) => m.idempotencyKey?.startsWith(`herald-${f.campaignId}-`)).map((m) => Date.parse(m.receivedAt)));
      const atPause = (await sinks.stats()).accepted - before;
      console.log(`[pause slow] last message ${last - pausedAt} ms after the accepted pause; ${atPause - atSignal} messages accepted after it (${atSignal} before)`);
      expect(last - pausedAt).toBeLessThan(LIMIT_MS);
    } finally {
      await handle.signal(stopSignal, { actorId: f.creatorId, reason: 'test over' });
      await handle.result().catch(() => undefined);
    }
  }, 120_000);
});
