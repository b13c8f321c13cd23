/**
 * Live events: SSE and WebSocket streams of the caller's company only, fed by the outbox whichever
 * process wrote it, and replaying what a reconnecting client missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import { startHerald } from './setup/harness.ts';
import { as, createApiCompany, signIn, type ApiCompany } from './fixtures/api-world.ts';
import { createApp } from '../api/app.ts';
import { openEventStream, until } from './fixtures/sse.ts';

let herald: Awaited<ReturnType<typeof startHerald>>;
let app: ReturnType<typeof createApp>;
let acme: ApiCompany;
let rival: ApiCompany;
let token: string;
let rivalToken: string;

const draft = (name: string) => ({
  name,
  type: 'promotional',
  channel: 'email',
  startAt: new Date(Date.now() + 86_400_000).toISOString(),
  endAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
});

const openStream = (bearer: string, headers: Record<string, string> = {}) => openEventStream(herald.baseUrl, bearer, headers);

beforeAll(async () => {
  herald = await startHerald({ consoleDir: '/nonexistent' });
  app = createApp(herald.deps);
  acme = await createApiCompany(herald.deps.orm, 'ev-acme');
  rival = await createApiCompany(herald.deps.orm, 'ev-rival');
  token = (await signIn(app, acme.users.manager.email)).token;
  rivalToken = (await signIn(app, rival.users.viewer.email)).token;
});
afterAll(async () => {
  await herald?.close();
});

describe('live events', () => {
  it('streams campaign events of my company only over SSE, and refuses without a token', async () => {
    expect((await fetch(`${herald.baseUrl}/api/events`)).status).toBe(401);
    const mine = await openStream(token);
    const theirs = await openStream(rivalToken);
    expect(mine.status).toBe(200);
    expect(mine.contentType).toMatch(/text\/event-stream/);
    await until(() => mine.events.find((e) => e.event === 'ready'));
    await until(() => theirs.events.find((e) => e.event === 'ready'));
    const created = await as(app, token).post('/api/campaigns', draft('Streamed'));
    const e = await until(() => mine.events.find((x) => x.event === 'campaign.created' && x.data.campaignId === created.body.id));
    expect(e.id).toMatch(/^\d+$/);
    expect(e.data.name).toBe('Streamed');
    await new Promise((r) => setTimeout(r, 500));
    expect(theirs.events.filter((x) => x.event === 'campaign.created')).toEqual([]);
    mine.close();
    theirs.close();
  });

  it('delivers events another process wrote to the outbox (LISTEN/NOTIFY), e.g. the worker', async () => {
    const s = await openStream(token);
    await until(() => s.events.find((e) => e.event === 'ready'));
    const other = new pg.Client({ connectionString: herald.deps.orm.config.get('clientUrl') });
    await other.connect();
    const started = Date.now();
    await other.query(`insert into outbox_events (company_id, type, payload) values ($1, 'campaign.status_changed', '{"campaignId":"x","status":"sending"}')`, [acme.id]);
    await other.end();
    const e = await until(() => s.events.find((x) => x.event === 'campaign.status_changed'));
    expect(e.data.status).toBe('sending');
    // NOTIFY, not the 2 s safety poll, carried it.
    expect(Date.now() - started).toBeLessThan(1500);
    s.close();
  });

  it('replays what a reconnecting client missed after Last-Event-ID', async () => {
    const first = await openStream(token);
    await until(() => first.events.find((e) => e.event === 'ready'));
    const a = await as(app, token).post('/api/campaigns', draft('Before drop'));
    const seen = await until(() => first.events.find((x) => x.event === 'campaign.created' && x.data.campaignId === a.body.id));
    first.close();
    const missed = await as(app, token).post('/api/campaigns', draft('While away'));
    const again = await openStream(token, { 'last-event-id': seen.id! });
    const replayed = await until(() => again.events.find((x) => x.event === 'campaign.created' && x.data.campaignId === missed.body.id));
    expect(Number(replayed.id)).toBeGreaterThan(Number(seen.id));
    expect(again.events.filter((x) => x.data?.campaignId === a.body.id)).toEqual([]);
    again.close();
  });

  it('streams the same events over a WebSocket authenticated by its first message', async () => {
    const ws = new WebSocket(`${herald.baseUrl.replace('http', 'ws')}/api/events/ws`);
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ token }));
    await until(() => messages.find((m) => m.type === 'ready'));
    const c = await as(app, token).post('/api/campaigns', draft('Over WS'));
    const e = await until(() => messages.find((m) => m.type === 'campaign.created' && m.campaignId === c.body.id));
    expect(e.name).toBe('Over WS');
    ws.close();

    const bad = new WebSocket(`${herald.baseUrl.replace('http', 'ws')}/api/events/ws`);
    await new Promise((r) => bad.once('open', r));
    bad.send(JSON.stringify({ token: 'nope' }));
    const code = await new Promise<number>((r) => bad.once('close', (c) => r(c)));
    expect(code).toBe(4401);
  });
});
