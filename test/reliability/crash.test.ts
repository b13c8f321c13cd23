/**
 * Exactly-once under crashes. The real worker (scripts/worker.ts) runs as a child process and is
 * SIGKILLed at random moments of a send (seeded: the seed is printed, CRASH_SEED=<n> replays it),
 * then replaced. The sinks run in a process of their own, so they see exactly what left each worker.
 *
 * HTTP: every message carries `Idempotency-Key: herald-<campaignId>-<recipientId>`; the rows a dead
 * attempt sent but had not recorded yet are still pending and go again under the same key, so the
 * provider accepts each recipient once.
 * SMTP has no idempotency: a message that left before the kill but whose result was not recorded
 * goes again, and the sink sees it twice. Those duplicates are reported and bounded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';
import { createCampaignFixture } from '../fixtures/campaigns.ts';
import { startSinkProcess, startWorkerProcess, type SinkProcess, type WorkerProcess } from '../fixtures/reliability-processes.ts';
import { hurryDeadBatches, rowStatuses, seedFrom, seededRandom, sendingInput, waitFor } from '../fixtures/reliability.ts';
import { campaignHandle, startCampaign } from '../../api/campaign-lifecycle.ts';
import type { CampaignResult } from '../../workflows/campaign-messages.ts';

const SEND_CONCURRENCY = 10;
const MAX_IN_FLIGHT = 2;
const BATCH_SIZE = 500;
/** Heartbeat timeout given to a dead worker's batches (see hurryDeadBatches); the workflow's is 30 s. */
const DEAD_BATCH_TIMEOUT_S = 3;

let db: TestDatabase;
let sinks: SinkProcess;
let connection: Connection;
let client: Client;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  sinks = await startSinkProcess({ smtp: true, keep: 21_000 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await connection?.close();
  await sinks?.stop();
  await db?.drop();
});

interface KillRecord {
  /** Messages the sink had when the worker died. */
  at: number;
  /**
   * Rows whose fate the kill left unknown to Herald: e-mail, rows claimed (`sending`) but not
   * recorded; HTTP (no claim write), rows the provider had accepted but Herald had not recorded.
   */
  inDoubt: number;
  /** From the kill to the first message sent by the replacement worker. */
  recoveryMs: number;
}

interface CrashRun {
  campaignId: string;
  result: CampaignResult;
  kills: KillRecord[];
  wallMs: number;
}

/**
 * Sends `audience` messages over `channel` while killing the worker at `kills` random points of the
 * send: a kill point is a random message count inside one of `kills` equal slices of the audience.
 * After each kill the next point is only considered once the replacement has sent its first message,
 * so every kill hits a worker that is sending.
 */
async function sendThroughCrashes(o: { channel: 'sms' | 'email'; audience: number; kills: number; slug: string }): Promise<CrashRun> {
  const seed = seedFrom('CRASH_SEED');
  console.log(`[crash ${o.channel}] seed ${seed} (replay with CRASH_SEED=${seed})`);
  const rand = seededRandom(seed);
  const points = Array.from({ length: o.kills }, (_, i) => Math.floor(o.audience * (0.03 + (0.85 * (i + rand())) / o.kills)));
  const f = await createCampaignFixture(db.orm, { slug: o.slug, contacts: o.audience, channel: o.channel });
  const taskQueue = `reliability-${randomUUID()}`;
  const progress = o.channel === 'sms' ? async () => (await sinks.stats()).accepted : async () => (await sinks.mailStats()).received;
  const base = await progress();
  const spawn = () => {
    const w = startWorkerProcess({
      databaseUrl: db.url,
      temporalAddress: inject('temporalAddress'),
      taskQueue,
      providerHttpUrl: sinks.httpUrl,
      smtpUrl: sinks.smtpUrl,
      sendConcurrency: SEND_CONCURRENCY,
    });
    workers.push(w);
    return w;
  };

  const started = Date.now();
  let worker = spawn();
  await startCampaign(client, sendingInput(f, { batchSize: BATCH_SIZE, maxInFlight: MAX_IN_FLIGHT }), taskQueue);
  let done = false;
  const result = campaignHandle(client, f.campaignId).result();
  void result.finally(() => (done = true)).catch(() => {});

  const kills: KillRecord[] = [];
  try {
    for (const point of points) {
      const n = await waitFor(progress, (v) => done || v - base >= point, 150_000, 20);
      if (done) break;
      await worker.kill();
      const inDoubt = o.channel === 'sms' ? await acceptedNotRecorded(f.campaignId) : ((await rowStatuses(db.orm, f.campaignId)).sending ?? 0);
      const hurried = await hurryDeadBatches(client, f.campaignId, DEAD_BATCH_TIMEOUT_S);
      const killedAt = Date.now();
      worker = spawn();
      const atSpawn = await progress();
      await waitFor(progress, (v) => done || v > atSpawn, 150_000, 20);
      await hurried.restore();
      kills.push({ at: n - base, inDoubt, recoveryMs: Date.now() - killedAt });
    }
    const r = await result;
    await worker.stop();
    return { campaignId: f.campaignId, result: r, kills, wallMs: Date.now() - started };
  } catch (err) {
    console.error(`[crash ${o.channel}] last worker output:\n${worker.output()}\nsink output:\n${sinks.output()}`);
    throw err;
  }
}

/** Recipients of the campaign the HTTP sink accepted whose rows are not recorded (still pending or sending). */
async function acceptedNotRecorded(campaignId: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 300)); // requests already written when the worker died reach the sink
  const prefix = `herald-${campaignId}-`;
  const ids = (await sinks.messages(21_000)).filter((m) => m.idempotencyKey?.startsWith(prefix)).map((m) => m.idempotencyKey!.slice(prefix.length));
  const res = await db.orm.em.getKnex().raw<{ rows: { n: string }[] }>(
    `select count(*) as n from campaign_recipients where campaign_id = ? and id = any(?::bigint[]) and status in ('pending', 'sending')`,
    [campaignId, ids],
  );
  return Number(res.rows[0]!.n);
}

const recovery = (kills: KillRecord[]) => {
  const ms = kills.map((k) => k.recoveryMs).sort((a, b) => a - b);
  return `recovery after a kill median ${((ms[Math.floor(ms.length / 2)] ?? 0) / 1000).toFixed(1)} s, max ${((ms.at(-1) ?? 0) / 1000).toFixed(1)} s`;
};

describe('exactly-once under worker crashes', () => {
  it('HTTP: 20 000 recipients, SIGKILL at least 10 times, every recipient accepted once', async () => {
    const audience = 20_000;
    const before = await sinks.stats();
    const run = await sendThroughCrashes({ channel: 'sms', audience, kills: 10, slug: 'crash-http' });
    const stats = await sinks.stats();
    const accepted = stats.accepted - before.accepted;
    const duplicates = stats.duplicates - before.duplicates;
    const unknown = run.kills.reduce((s, k) => s + k.inDoubt, 0);
    console.log(
      `[crash sms] kills ${run.kills.length}, accepted ${accepted}, re-sends deduplicated by the provider ${duplicates} ` +
        `(rows in doubt at the kills ${unknown}), wall ${(run.wallMs / 1000).toFixed(1)} s, ${recovery(run.kills)}; kills at ${run.kills.map((k) => k.at).join(', ')}`,
    );

    expect(run.kills.length).toBeGreaterThanOrEqual(10);
    expect(run.result.status).toBe('completed');
    // Each recipient accepted exactly once: one accepted message per key and per phone number.
    expect(accepted).toBe(audience);
    expect(stats.uniqueKeys - before.uniqueKeys).toBe(audience);
    const mine = (await sinks.messages(21_000)).filter((m) => m.idempotencyKey?.startsWith(`herald-${run.campaignId}-`));
    expect(mine).toHaveLength(audience);
    expect(new Set(mine.map((m) => m.to)).size).toBe(audience);
    // Only rows whose fate a kill left unknown are ever offered again.
    expect(duplicates).toBeLessThanOrEqual(unknown);
    // No recipient lost, and the workflow's counters are the rows'.
    const rows = await rowStatuses(db.orm, run.campaignId);
    expect(rows).toEqual({ sent: audience });
    expect(run.result.counts).toEqual({ audience, sent: rows.sent, failed: 0, skipped: 0, remaining: 0 });
  }, 300_000);

  it('SMTP: duplicates never exceed the messages in flight at the kills', async () => {
    const audience = 5_000;
    const before = await sinks.mailStats();
    const run = await sendThroughCrashes({ channel: 'email', audience, kills: 5, slug: 'crash-smtp' });
    const stats = await sinks.mailStats();
    const duplicates = stats.duplicateMessageIds - before.duplicateMessageIds;
    const unknown = run.kills.reduce((s, k) => s + k.inDoubt, 0);
    // A worker holds at most MAX_IN_FLIGHT batches of this campaign, each with SEND_CONCURRENCY
    // messages handed to the relay at once. A message can only arrive twice if it reached the relay
    // and the kill came before its result was recorded: at most that many per kill.
    const inFlightBound = run.kills.length * SEND_CONCURRENCY * MAX_IN_FLIGHT;
    console.log(
      `[crash email] kills ${run.kills.length}, received ${stats.received - before.received}, duplicates ${duplicates} ` +
        `(bound ${inFlightBound}; rows in doubt at the kills ${unknown}), wall ${(run.wallMs / 1000).toFixed(1)} s, ${recovery(run.kills)}`,
    );

    expect(run.kills.length).toBeGreaterThanOrEqual(5);
    expect(run.result.status).toBe('completed');
    expect(stats.uniqueMessageIds - before.uniqueMessageIds).toBe(audience);
    expect(duplicates).toBeLessThanOrEqual(unknown);
    expect(duplicates).toBeLessThanOrEqual(inFlightBound);
    const rows = await rowStatuses(db.orm, run.campaignId);
    expect(rows).toEqual({ sent: audience });
    expect(run.result.counts).toEqual({ audience, sent: rows.sent, failed: 0, skipped: 0, remaining: 0 });
  }, 240_000);
});
