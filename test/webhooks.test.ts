/**
 * Provider webhooks through the real app and PostgreSQL: each scheme is believed only with a valid,
 * fresh signature; the same event three times changes state once; hard bounces, complaints and
 * STOP suppress the address for later campaigns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { signWebhook } from '../channels/webhook-signature.ts';
import { DEV_CREDENTIALS } from '../channels/index.ts';
import { twilioSignature } from '../domain/tracking-signatures.ts';
import { createTestDeps, type TestDeps } from './setup/harness.ts';
import { sentCampaign, type SentCampaign } from './tracking-fixture.ts';

let t: TestDeps;
let app: Hono;
let email: SentCampaign;
let sms: SentCampaign;
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.orm.em.getKnex().raw<{ rows: T[] }>(sql, params as never[])).rows;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  t = await createTestDeps();
  const config = { ...t.deps.config, SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
  app = createApp({ ...t.deps, config }) as unknown as Hono;
  email = await sentCampaign(t.db.orm, t.deps.config, 'wh-mail', { contacts: 6 });
  sms = await sentCampaign(t.db.orm, t.deps.config, 'wh-sms', { channel: 'sms', contacts: 3 });
});
afterAll(async () => {
  await t?.close();
});

const recipient = async (id: number) => (await q<{ status: string; delivered_at: Date | null; reason: string | null }>('select status, delivered_at, reason from campaign_recipients where id = ?', [id]))[0]!;
const eventCount = async (id: number, type: string) => Number((await q<{ n: string }>('select count(*) as n from message_events where recipient_id = ? and type = ?', [id, type]))[0]!.n);
const suppressed = async (address: string) => q<{ channel: string; reason: string }>('select channel, reason from suppressions where address = ? order by channel', [address]);

describe('Herald generic webhook (HMAC-SHA256 with timestamp)', () => {
  const secret = DEV_CREDENTIALS.WEBHOOK_SIGNING_SECRET;
  const post = (body: string, ts = now(), sig = signWebhook(secret, ts, body)) =>
    app.request('/webhooks/herald', { method: 'POST', headers: { 'content-type': 'application/json', 'x-herald-timestamp': String(ts), 'x-herald-signature': sig }, body });

  it('accepts a signed delivery, and the same webhook three times changes state once', async () => {
    const r = email.recipients[0]!;
    const body = JSON.stringify({ events: [{ id: 'evt-1', type: 'delivered', reference: `herald-${email.campaignId}-${r.id}`, occurredAt: '2030-01-01T10:00:00Z' }] });
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, matched: 1 });
    const first = await recipient(r.id);
    expect(first.status).toBe('delivered');
    expect(new Date(first.delivered_at!).toISOString()).toBe('2030-01-01T10:00:00.000Z');
    // Retried twice more, once with a later time: nothing changes.
    await post(body);
    await post(body.replace('10:00:00', '11:00:00'));
    expect(await recipient(r.id)).toEqual(first);
    expect(await eventCount(r.id, 'delivered')).toBe(1);
  });

  it('refuses a bad, stale or missing signature before reading the events', async () => {
    const r = email.recipients[1]!;
    const body = JSON.stringify({ events: [{ id: 'evt-x', type: 'bounced', bounce: 'hard', messageId: `wh-mail-${r.id}` }] });
    const bad = await post(body, now(), signWebhook('not-the-secret-at-all', now(), body));
    expect(bad.status).toBe(403);
    expect(await bad.json()).toMatchObject({ error: { code: 'signature_mismatch' } });
    const stale = await post(body, now() - 301);
    expect(stale.status).toBe(403);
    expect(await stale.json()).toMatchObject({ error: { code: 'signature_stale' } });
    const missing = await app.request('/webhooks/herald', { method: 'POST', body });
    expect(missing.status).toBe(401);
    expect(await recipient(r.id)).toMatchObject({ status: 'sent' });
    expect(await suppressed(r.address)).toEqual([]);
  });

  it('a hard bounce suppresses the address and marks the contact; a soft one only records', async () => {
    const hard = email.recipients[1]!;
    const soft = email.recipients[2]!;
    const res = await post(
      JSON.stringify({
        events: [
          { id: 'evt-hb', type: 'bounced', bounce: 'hard', messageId: `wh-mail-${hard.id}`, reason: '550 5.1.1 user unknown' },
          { id: 'evt-sb', type: 'bounced', bounce: 'soft', messageId: `wh-mail-${soft.id}`, reason: '452 mailbox full' },
        ],
      }),
    );
    expect(await res.json()).toEqual({ received: 2, matched: 2 });
    expect(await recipient(hard.id)).toMatchObject({ status: 'bounced', reason: 'hard_bounce' });
    expect(await suppressed(hard.address)).toEqual([{ channel: 'email', reason: 'hard_bounce' }]);
    expect((await q<{ bounced_at: Date | null }>('select bounced_at from contacts where id = ?', [hard.contactId]))[0]!.bounced_at).not.toBeNull();
    expect(await recipient(soft.id)).toMatchObject({ status: 'sent' });
    expect(await suppressed(soft.address)).toEqual([]);
    expect(await eventCount(soft.id, 'bounced_soft')).toBe(1);
  });

  it('answers 422 in the one error shape for events it cannot read, never a 500', async () => {
    const res = await post(JSON.stringify({ events: [{ id: 'e', type: 'exploded' }] }));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'validation_failed' } });
    const notJson = await post('{"events": [');
    expect(notJson.status).toBe(400);
  });
});

describe('SendGrid signed event webhook (ECDSA)', () => {
  const post = (body: string, ts = now(), sig = sign('sha256', Buffer.from(`${ts}${body}`), privateKey).toString('base64')) =>
    app.request('/webhooks/sendgrid', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': String(ts), 'x-twilio-email-event-webhook-signature': sig },
      body,
    });

  it('accepts signed events matched by Herald’s Message-ID: a complaint suppresses the address', async () => {
    const r = email.recipients[3]!;
    const body = JSON.stringify([
      { email: r.address, event: 'delivered', sg_event_id: 'sg-1', 'smtp-id': `<r${r.id}.${email.campaignId}@herald>`, timestamp: now() },
      { email: r.address, event: 'spamreport', sg_event_id: 'sg-2', 'smtp-id': `<r${r.id}.${email.campaignId}@herald>`, timestamp: now() },
      { email: r.address, event: 'open', sg_event_id: 'sg-3', timestamp: now() },
    ]);
    for (let i = 0; i < 3; i++) expect((await post(body)).status).toBe(200);
    expect(await recipient(r.id)).toMatchObject({ status: 'delivered' });
    expect(await eventCount(r.id, 'complained')).toBe(1);
    expect(await suppressed(r.address)).toEqual([{ channel: 'email', reason: 'complaint' }]);
  });

  it('a bounce of type "bounce" is hard and suppresses; the key is refused when stale or wrong', async () => {
    const r = email.recipients[4]!;
    const body = JSON.stringify([{ event: 'bounce', type: 'bounce', sg_event_id: 'sg-b', sg_message_id: `wh-mail-${r.id}.filter0001`, reason: '550 unknown', timestamp: now() }]);
    expect((await post(body, now() - 301)).status).toBe(403);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    expect((await post(body, now(), sign('sha256', Buffer.from(`${now()}${body}`), other).toString('base64'))).status).toBe(403);
    expect((await post(body, now(), 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    expect(await suppressed(r.address)).toEqual([]);
    const ok = await post(body);
    expect(await ok.json()).toEqual({ received: 1, matched: 1 });
    expect(await recipient(r.id)).toMatchObject({ status: 'bounced' });
    expect(await suppressed(r.address)).toEqual([{ channel: 'email', reason: 'hard_bounce' }]);
  });
});

describe('Twilio webhooks (X-Twilio-Signature)', () => {
  const token = DEV_CREDENTIALS.TWILIO_AUTH_TOKEN;
  const post = (path: string, params: Record<string, string>, sig?: string) => {
    const form = new URLSearchParams(params);
    const signature = sig ?? twilioSignature(token, `${t.deps.config.publicUrl}${path}`, form);
    return app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: form.toString() });
  };

  it('a signed status callback marks the SMS delivered, once however often it comes', async () => {
    const r = sms.recipients[0]!;
    const params = { MessageSid: `SM${String(r.id).padStart(32, '0')}`, MessageStatus: 'delivered', AccountSid: DEV_CREDENTIALS.TWILIO_ACCOUNT_SID };
    await q('update campaign_recipients set provider_message_id = ? where id = ?', [params.MessageSid, r.id]);
    for (let i = 0; i < 3; i++) expect((await post('/webhooks/twilio/status', params)).status).toBe(200);
    expect(await recipient(r.id)).toMatchObject({ status: 'delivered' });
    expect(await eventCount(r.id, 'delivered')).toBe(1);
  });

  it('refuses a bad or missing signature', async () => {
    const r = sms.recipients[1]!;
    const params = { MessageSid: `SM${String(r.id).padStart(32, '1')}`, MessageStatus: 'undelivered', ErrorCode: '30005' };
    await q('update campaign_recipients set provider_message_id = ? where id = ?', [params.MessageSid, r.id]);
    expect((await post('/webhooks/twilio/status', params, twilioSignature('wrong-token', `${t.deps.config.publicUrl}/webhooks/twilio/status`, new URLSearchParams(params)))).status).toBe(403);
    const missing = await app.request('/webhooks/twilio/status', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(missing.status).toBe(401);
    expect(await recipient(r.id)).toMatchObject({ status: 'sent' });
    // Signed: 30005 (unknown handset) is a hard bounce.
    expect((await post('/webhooks/twilio/status', params)).status).toBe(200);
    expect(await recipient(r.id)).toMatchObject({ status: 'bounced' });
    expect(await suppressed(r.address)).toEqual([{ channel: 'sms', reason: 'hard_bounce' }]);
  });

  it('an inbound STOP withdraws SMS consent and suppresses the number in every company that has it', async () => {
    const r = sms.recipients[2]!;
    const params = { MessageSid: 'SM' + 'f'.repeat(32), From: r.address, To: '+15550000000', Body: ' stop ' };
    const res = await post('/webhooks/twilio/inbound', params);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    await post('/webhooks/twilio/inbound', params);
    // Both test companies have a contact with this number: a shared sending number stops for all.
    expect(await q('select company_id, channel, reason from suppressions where address = ? order by company_id', [r.address])).toEqual(
      [email.companyId, sms.companyId].sort().map((company_id) => ({ company_id, channel: 'sms', reason: 'inbound_stop' })),
    );
    const [contact] = await q<{ consent: Record<string, { granted: boolean; source: string }> }>('select consent from contacts where id = ?', [r.contactId]);
    expect(contact!.consent.sms).toMatchObject({ granted: false, source: 'inbound-stop' });
    expect(contact!.consent.email!.granted).toBe(true);
    expect(await eventCount(r.id, 'unsubscribed')).toBe(1);
  });

  it('an inbound START undoes a STOP, and only a STOP: an unsubscribe made another way stays', async () => {
    const stopped = sms.recipients[2]!; // STOPped in the test above
    const other = sms.recipients[0]!;
    // This contact unsubscribed through a link: START from their number must not re-subscribe them.
    await q(`update contacts set consent = jsonb_set(consent, '{sms}', '{"granted": false, "source": "unsubscribe-page", "at": "2026-01-01T00:00:00Z"}') where id = ?`, [other.contactId]);
    for (const r of [stopped, other]) {
      const res = await post('/webhooks/twilio/inbound', { MessageSid: 'SM' + r.id.toString(16).padStart(32, 'a'), From: r.address, To: '+15550000000', Body: 'Start' });
      expect(res.status).toBe(200);
    }
    expect(await q('select company_id from suppressions where address = ?', [stopped.address])).toEqual([]);
    const consent = async (id: string) => (await q<{ consent: Record<string, { granted: boolean; source: string }> }>('select consent from contacts where id = ?', [id]))[0]!.consent.sms;
    expect(await consent(stopped.contactId)).toMatchObject({ granted: true, source: 'inbound-start' });
    expect(await consent(other.contactId)).toMatchObject({ granted: false, source: 'unsubscribe-page' });
    // An unsigned START changes nothing.
    await post('/webhooks/twilio/inbound', { MessageSid: 'SM' + 'e'.repeat(32), From: stopped.address, To: '+15550000000', Body: 'STOP' });
    const unsigned = await app.request('/webhooks/twilio/inbound', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: 'SM' + 'd'.repeat(32), From: stopped.address, To: '+15550000000', Body: 'START' }).toString(),
    });
    expect(unsigned.status).toBe(401);
    expect(await consent(stopped.contactId)).toMatchObject({ granted: false, source: 'inbound-stop' });
  });
});
