/**
 * The public tracking links hold their limits: a token replayed by a script cannot inflate a
 * campaign's totals or fill the event table, and the pages that touch the database are limited per
 * client address — while other recipients' opens and clicks go on being recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { PAGE_REQUESTS_PER_MINUTE, REPEATS_PER_MINUTE } from '../api/tracking/routes.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { sentCampaign, type SentCampaign } from './tracking-fixture.ts';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

let t: TestDeps;
let app: Hono;
let sent: SentCampaign;
const count = async (rid: number, type: string) =>
  Number((await t.db.orm.em.getKnex().raw<{ rows: { n: string }[] }>('select count(*) as n from message_events where recipient_id = ? and type = ?', [rid, type])).rows[0]!.n);

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps) as unknown as Hono;
  sent = await sentCampaign(t.db.orm, t.deps.config, 'lim');
});
afterAll(async () => {
  await t?.close();
});

const get = (path: string, ip = '198.51.100.7') => app.request(path, { headers: { 'user-agent': BROWSER, 'x-forwarded-for': ip } });

describe('tracking limits', () => {
  it('records a replayed open at most the limit per minute, and still answers the image', async () => {
    const rid = sent.recipients[0]!.id;
    const answers = [];
    for (let i = 0; i < REPEATS_PER_MINUTE + 15; i++) answers.push((await get(sent.openPath(rid))).status);
    expect(answers.every((s) => s === 200)).toBe(true);
    await expect.poll(() => count(rid, 'opened'), { timeout: 5_000 }).toBe(REPEATS_PER_MINUTE);
    // Another recipient's open is recorded as usual.
    const other = sent.recipients[1]!.id;
    expect((await get(sent.openPath(other))).status).toBe(200);
    await expect.poll(() => count(other, 'opened'), { timeout: 5_000 }).toBe(1);
  });

  it('answers a replayed click with 429 and Retry-After past the limit, without recording it', async () => {
    const rid = sent.recipients[2]!.id;
    for (let i = 0; i < REPEATS_PER_MINUTE; i++) expect((await get(sent.clickPath(rid, 0))).status).toBe(302);
    const over = await get(sent.clickPath(rid, 0));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await over.text()).toContain('Too many requests');
    expect(over.headers.get('location')).toBeNull();
    expect(await count(rid, 'clicked')).toBe(REPEATS_PER_MINUTE);
    // The message's other link has its own count.
    expect((await get(sent.clickPath(rid, 1))).status).toBe(302);
  });

  it('limits the preference and unsubscribe pages per client address', async () => {
    const rid = sent.recipients[3]!.id;
    const path = sent.unsubscribePath(rid).replace('/t/u/', '/t/p/');
    for (let i = 0; i < PAGE_REQUESTS_PER_MINUTE; i++) expect((await get(path, '203.0.113.9')).status).toBe(200);
    const over = await get(path, '203.0.113.9');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const unsubscribe = await app.request(sent.unsubscribePath(rid), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.status).toBe(429);
    expect(await count(rid, 'unsubscribed')).toBe(0);
    // Another address is not affected, and its one-click unsubscribe is recorded.
    expect((await get(path, '203.0.113.10')).status).toBe(200);
    const ok = await app.request(sent.unsubscribePath(rid), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.10' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(ok.status).toBe(200);
    await expect.poll(() => count(rid, 'unsubscribed'), { timeout: 5_000 }).toBe(1);
  });
});
