/**
 * The public tracking endpoints through the real app and PostgreSQL: the links a rendered message
 * carries are opened, clicked and used to unsubscribe, and the database shows what a user would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { createCampaignBookkeeping } from '../activities/campaign.ts';
import { createToken } from '../domain/tracking-token.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { sentCampaign, type SentCampaign } from './tracking-fixture.ts';

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';

let t: TestDeps;
let app: Hono;
let sent: SentCampaign;
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;

beforeAll(async () => {
  t = await createTestDeps();
  app = createApp(t.deps) as unknown as Hono;
  sent = await sentCampaign(t.db.orm, t.deps.config, 'trk');
});
afterAll(async () => {
  await t?.close();
});

const get = (path: string, ua = BROWSER) => app.request(path, { headers: { 'user-agent': ua } });

describe('open pixel', () => {
  it('answers a 1×1 GIF that is never cached, records "opened" once and counts later opens separately', async () => {
    const rid = sent.recipients[0]!.id;
    const first = await get(sent.openPath(rid));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/gif');
    expect(first.headers.get('cache-control')).toContain('no-store');
    expect(Buffer.from(await first.arrayBuffer()).subarray(0, 6).toString()).toBe('GIF89a');
    await get(sent.openPath(rid));
    await get(sent.openPath(rid));

    const rows = await q<{ automated: boolean; repeat: boolean; idempotency_key: string }>(
      `select automated, coalesce((metadata->>'repeat')::boolean, false) as repeat, idempotency_key from message_events where recipient_id = ? and type = 'opened' order by id`,
      [rid],
    );
    expect(rows.map((r) => r.repeat)).toEqual([false, true, true]);
    expect(rows.every((r) => !r.automated)).toBe(true);
    expect(rows[0]!.idempotency_key).toBe(`o:${rid}`);
  });

  it('flags opens by mail-security prefetchers and proxies, so the unique human open is still to come', async () => {
    const rid = sent.recipients[1]!.id;
    await get(sent.openPath(rid), 'Mozilla/5.0'); // Apple Mail Privacy Protection
    await app.request(sent.openPath(rid), { headers: { 'user-agent': BROWSER, 'x-forwarded-for': '40.107.3.4' } }); // Microsoft EOP
    await get(sent.openPath(rid)); // the person
    const rows = await q<{ automated: boolean; agent: string; repeat: boolean }>(
      `select automated, metadata->>'agent' as agent, coalesce((metadata->>'repeat')::boolean, false) as repeat from message_events where recipient_id = ? and type = 'opened' order by id`,
      [rid],
    );
    expect(rows).toEqual([
      { automated: true, agent: 'apple-mpp', repeat: false },
      { automated: true, agent: 'microsoft', repeat: true },
      { automated: false, agent: 'client', repeat: false },
    ]);
  });

  it('still answers the image for a tampered token, and records nothing', async () => {
    const before = await q<{ n: string }>('select count(*) as n from message_events');
    const res = await get(`/t/o/${createToken('another-secret-of-16+', { kind: 'o', recipientId: sent.recipients[0]!.id })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(await q('select count(*) as n from message_events')).toEqual(before);
  });
});

describe('click redirect', () => {
  it('redirects to the recorded link with the campaign UTM parameters, and records the click', async () => {
    const rid = sent.recipients[2]!.id;
    const res = await get(sent.clickPath(rid, 0));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/spring?x=1&y=2&utm_source=herald&utm_medium=email&utm_campaign=CMP-TEST#top');
    const second = await get(sent.clickPath(rid, 1));
    expect(second.headers.get('location')).toBe('https://shop.example/b?utm_source=herald&utm_medium=email&utm_campaign=CMP-TEST');
    const rows = await q(`select link_index, url, automated from message_events where recipient_id = ? and type = 'clicked' order by id`, [rid]);
    expect(rows).toEqual([
      { link_index: 0, url: 'https://shop.example/spring?x=1&y=2&utm_source=herald&utm_medium=email&utm_campaign=CMP-TEST#top', automated: false },
      { link_index: 1, url: 'https://shop.example/b?utm_source=herald&utm_medium=email&utm_campaign=CMP-TEST', automated: false },
    ]);
  });

  it('shows a neutral page, never a redirect, for a tampered, foreign, unknown-link or wrong-kind token', async () => {
    const rid = sent.recipients[2]!.id;
    const good = sent.clickPath(rid, 0).split('/').pop()!;
    const [body, sig] = good.split('.') as [string, string];
    const flipped = `${body}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const forged = Buffer.from(`c.${sent.recipients[0]!.id.toString(36)}.0`).toString('base64url') + '.' + sig; // another message, this signature
    const cases = [
      `/t/c/${flipped}`,
      `/t/c/${forged}`,
      `/t/c/${createToken('another-secret-of-16+', { kind: 'c', recipientId: rid, link: 0 })}`,
      `/t/c/${createToken(t.deps.config.trackingSecret, { kind: 'c', recipientId: rid, link: 7 })}`, // never recorded
      `/t/c/${createToken(t.deps.config.trackingSecret, { kind: 'c', recipientId: 987654321, link: 0 })}`, // no such message
      `/t/c/${createToken(t.deps.config.trackingSecret, { kind: 'o', recipientId: rid })}`,
      '/t/c/https%3A%2F%2Fevil.example',
      '/t/c/x',
    ];
    const before = await q<{ n: string }>(`select count(*) as n from message_events where type = 'clicked'`);
    for (const path of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('location'), path).toBeNull();
      const html = await res.text();
      expect(html).toContain('not valid or has expired');
      expect(html).not.toContain('evil.example');
    }
    expect(await q(`select count(*) as n from message_events where type = 'clicked'`)).toEqual(before);
  });

  it('records a scanner that follows every link as automated, and still redirects it', async () => {
    const rid = sent.recipients[3]!.id;
    const res = await get(sent.clickPath(rid, 1), 'Mozilla/5.0 (compatible; Mimecast URL Protect)');
    expect(res.status).toBe(302);
    expect(await q(`select automated, idempotency_key from message_events where recipient_id = ? and type = 'clicked'`, [rid])).toEqual([
      { automated: true, idempotency_key: `ca:${rid}:1` },
    ]);
  });
});

describe('unsubscribe', () => {
  it('GET only shows a confirmation page (mail scanners follow GETs) and changes nothing', async () => {
    const r = sent.recipients[0]!;
    const res = await get(sent.unsubscribePath(r.id));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form method="post"');
    const [contact] = await q<{ consent: Record<string, { granted: boolean }> }>('select consent from contacts where id = ?', [r.contactId]);
    expect(contact!.consent.email!.granted).toBe(true);
    expect(await q('select * from suppressions where address = ?', [r.address])).toEqual([]);
  });

  it('RFC 8058 one-click POST unsubscribes from the channel, records the withdrawal, and a later snapshot skips the contact', async () => {
    const r = sent.recipients[0]!;
    const post = () =>
      app.request(sent.unsubscribePath(r.id), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const res = await post();
    expect(res.status).toBe(200);
    expect((await post()).status).toBe(200); // mail clients retry: still one unsubscribe

    const [contact] = await q<{ consent: Record<string, { granted: boolean; source: string; at: string }> }>('select consent from contacts where id = ?', [r.contactId]);
    expect(contact!.consent.email).toMatchObject({ granted: false, source: 'one-click' });
    expect(Date.now() - Date.parse(contact!.consent.email!.at)).toBeLessThan(60_000);
    expect(contact!.consent.sms!.granted).toBe(true); // only the channel of the message
    expect(await q(`select reason, source from suppressions where channel = 'email' and address = ?`, [r.address])).toEqual([{ reason: 'unsubscribed', source: 'one-click' }]);
    expect(await q(`select count(*)::int as n from message_events where recipient_id = ? and type = 'unsubscribed'`, [r.id])).toEqual([{ n: 1 }]);

    // The next campaign of the same company does not send to them.
    const [next] = await q<{ id: string }>(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, start_at, end_at, currency, content, sender, created_by_id)
       select company_id, 'CMP-NEXT', 'Next', type, primary_channel, channels, start_at, end_at, currency, content, sender, created_by_id from campaigns where id = ? returning id`,
      [sent.campaignId],
    );
    await createCampaignBookkeeping(t.db.orm).snapshotAudience({ campaignId: next!.id, companyId: sent.companyId });
    const rows = await q<{ contact_id: string; status: string; reason: string | null }>('select contact_id, status, reason from campaign_recipients where campaign_id = ?', [next!.id]);
    expect(rows.find((x) => x.contact_id === r.contactId)).toMatchObject({ status: 'suppressed' });
    expect(rows.filter((x) => x.status === 'pending')).toHaveLength(sent.recipients.length - 1);
  });

  it('the preference page lets the contact choose channels, including coming back', async () => {
    const r = sent.recipients[1]!;
    const path = sent.unsubscribePath(r.id).replace('/t/u/', '/t/p/');
    const page = await (await get(path)).text();
    expect(page).toMatch(/value="email" checked/);
    expect(page).toMatch(/value="sms" checked/);
    expect(page).not.toContain(r.address); // masked

    const save = (body: string) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const afterSms = await (await save('channel=sms&save=1')).text();
    expect(afterSms).toMatch(/value="email">/);
    const consent = async () => (await q<{ consent: Record<string, { granted: boolean; source: string }> }>('select consent from contacts where id = ?', [r.contactId]))[0]!.consent;
    expect((await consent()).email).toMatchObject({ granted: false, source: 'preference-page' });
    expect((await consent()).sms!.granted).toBe(true);
    expect(await q(`select reason from suppressions where channel = 'email' and address = ?`, [r.address])).toEqual([{ reason: 'unsubscribed' }]);

    await save('channel=sms&channel=email&save=1');
    expect((await consent()).email).toMatchObject({ granted: true, source: 'preference-page' });
    expect(await q(`select reason from suppressions where channel = 'email' and address = ?`, [r.address])).toEqual([]);
  });

  it('a tampered unsubscribe token changes nothing and shows the neutral page', async () => {
    const r = sent.recipients[2]!;
    const token = createToken('another-secret-of-16+', { kind: 'u', recipientId: r.id });
    const res = await app.request(`/t/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(404);
    expect(await q(`select count(*)::int as n from suppressions where address = ?`, [r.address])).toEqual([{ n: 0 }]);
  });
});
