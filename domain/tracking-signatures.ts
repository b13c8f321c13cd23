/**
 * Provider webhook signatures, checked before a webhook is believed. Herald's own scheme
 * (HMAC-SHA256 over "<timestamp>.<body>") lives in channels/webhook-signature.ts, beside the adapter
 * that signs with it. Pure apart from node:crypto.
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/** How old a signed timestamp may be (and how far in the future, for clock skew). */
export const REPLAY_TOLERANCE_SECONDS = 300;

export type Verdict = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Twilio (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed with the account's auth token, over the
 * full URL Twilio called (scheme, host, path and query) followed by every POST parameter's name and
 * value, sorted by name (values of a repeated name in sorted order). Twilio signs no timestamp, so
 * a replay cannot be refused by age: every Twilio event is idempotent on its MessageSid instead.
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const pairs = [...params.entries()].sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  let data = url;
  for (const [k, v] of pairs) data += k + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(authToken: string, url: string, params: URLSearchParams, signature: string | undefined): Verdict {
  if (!signature) return { ok: false, reason: 'missing' };
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const got = Buffer.from(signature.trim());
  return got.length === expected.length && timingSafeEqual(got, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * SendGrid's signed Event Webhook: ECDSA P-256 with SHA-256 over the timestamp header followed by
 * the raw body; the signature header is base64 DER, the verification key (from SendGrid's mail
 * settings) base64 DER SubjectPublicKeyInfo, or PEM.
 */
export function sendgridPublicKey(key: string): KeyObject {
  const trimmed = key.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
}

export function verifySendgridSignature(
  key: KeyObject,
  input: { timestamp: string | undefined; signature: string | undefined; body: string | Buffer },
  opts: { nowSeconds?: number; toleranceSeconds?: number } = {},
): Verdict {
  const { timestamp, signature, body } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? REPLAY_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  const sig = Buffer.from(signature, 'base64');
  if (sig.length < 8) return { ok: false, reason: 'malformed' };
  const data = Buffer.concat([Buffer.from(timestamp), typeof body === 'string' ? Buffer.from(body) : body]);
  try {
    return verify('sha256', data, { key, dsaEncoding: 'der' }, sig) ? { ok: true } : { ok: false, reason: 'mismatch' };
  } catch {
    // A signature that is not valid DER.
    return { ok: false, reason: 'malformed' };
  }
}
