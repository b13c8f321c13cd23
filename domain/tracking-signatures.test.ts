import { describe, expect, it } from 'vitest';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { sendgridPublicKey, twilioSignature, verifySendgridSignature, verifyTwilioSignature } from './tracking-signatures.ts';

describe('Twilio X-Twilio-Signature', () => {
  const url = 'https://herald.example/webhooks/twilio/status?x=1';
  const params = new URLSearchParams({ MessageStatus: 'delivered', MessageSid: 'SM0123456789abcdef0123456789abcdef', AccountSid: 'AC1' });

  it('is base64 HMAC-SHA1 over the URL and the name-sorted parameters', () => {
    const expected = createHmac('sha1', 'tok').update(`${url}AccountSidAC1MessageSidSM0123456789abcdef0123456789abcdefMessageStatusdelivered`).digest('base64');
    expect(twilioSignature('tok', url, params)).toBe(expected);
    expect(verifyTwilioSignature('tok', url, params, expected)).toEqual({ ok: true });
  });

  it('refuses another token, another URL, a changed parameter or no signature', () => {
    const good = twilioSignature('tok', url, params);
    expect(verifyTwilioSignature('other', url, params, good)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyTwilioSignature('tok', url.replace('https', 'http'), params, good).ok).toBe(false);
    const changed = new URLSearchParams(params);
    changed.set('MessageStatus', 'failed');
    expect(verifyTwilioSignature('tok', url, changed, good).ok).toBe(false);
    expect(verifyTwilioSignature('tok', url, params, undefined)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('SendGrid signed event webhook', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const key = sendgridPublicKey(der);
  const body = JSON.stringify([{ event: 'delivered', sg_event_id: 'e1' }]);
  const now = 1_800_000_000;
  const signed = (ts: number, b = body) => sign('sha256', Buffer.from(`${ts}${b}`), privateKey).toString('base64');

  it('accepts an ECDSA P-256 signature over timestamp + body, with the key as base64 DER or PEM', () => {
    expect(verifySendgridSignature(key, { timestamp: String(now), signature: signed(now), body }, { nowSeconds: now })).toEqual({ ok: true });
    const pem = sendgridPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString());
    expect(verifySendgridSignature(pem, { timestamp: String(now), signature: signed(now), body }, { nowSeconds: now }).ok).toBe(true);
  });

  it('refuses a changed body, a replay older than 5 minutes, garbage and missing headers', () => {
    expect(verifySendgridSignature(key, { timestamp: String(now), signature: signed(now), body: body.replace('delivered', 'bounce') }, { nowSeconds: now })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySendgridSignature(key, { timestamp: String(now - 301), signature: signed(now - 301), body }, { nowSeconds: now })).toEqual({ ok: false, reason: 'stale' });
    expect(verifySendgridSignature(key, { timestamp: String(now), signature: Buffer.from('not a der signature').toString('base64'), body }, { nowSeconds: now }).ok).toBe(false);
    expect(verifySendgridSignature(key, { timestamp: undefined, signature: signed(now), body }, { nowSeconds: now })).toEqual({ ok: false, reason: 'missing' });
  });
});
