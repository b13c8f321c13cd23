/**
 * Herald's webhook signature: `X-Herald-Signature: v1=<hex HMAC-SHA256 over "<timestamp>.<body>">`
 * with `X-Herald-Timestamp` in Unix seconds. Signing the timestamp with the body lets a receiver
 * refuse replays older than its tolerance. Used by the webhook adapter and by receivers (the sink).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-herald-signature';
export const TIMESTAMP_HEADER = 'x-herald-timestamp';

export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a received webhook. `signature` may list several comma-separated `v1=` values (a sender
 * rotating its secret); one match is enough. `toleranceSeconds` bounds the clock skew and replay age.
 */
export function verifyWebhookSignature(
  secret: string,
  input: { timestamp: string | undefined; signature: string | undefined; body: string },
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): SignatureCheck {
  const { timestamp, signature, body } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  for (const candidate of signature.split(',')) {
    const got = Buffer.from(candidate.trim());
    if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true };
  }
  return { ok: false, reason: 'mismatch' };
}
