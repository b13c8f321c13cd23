/**
 * Signed tokens for the links inside a message (unsubscribe, open pixel, click redirects): an HMAC
 * over the payload, verified without a database read; not guessable, not sequential. Pure apart
 * from node:crypto, so the API and the activities share it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'u' | 'o' | 'c';

export interface TokenPayload {
  kind: TokenKind;
  /** campaign_recipients.id */
  recipientId: number;
  /** For clicks: the index of the link recorded when the message was rendered. */
  link?: number;
}

const SIG_BYTES = 16;

function sign(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, SIG_BYTES);
}

export function createToken(secret: string, payload: TokenPayload): string {
  const body = [payload.kind, payload.recipientId.toString(36), payload.link === undefined ? '' : payload.link.toString(36)].join('.');
  return `${Buffer.from(body).toString('base64url')}.${sign(secret, body).toString('base64url')}`;
}

/** The payload, or null for anything tampered with, truncated or signed with another secret. */
export function verifyToken(secret: string, token: string): TokenPayload | null {
  const [b64, sig] = token.split('.');
  if (!b64 || !sig) return null;
  const body = Buffer.from(b64, 'base64url').toString();
  const given = Buffer.from(sig, 'base64url');
  const expected = sign(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [kind, rid, link] = body.split('.');
  if (kind !== 'u' && kind !== 'o' && kind !== 'c') return null;
  const recipientId = parseInt(rid ?? '', 36);
  if (!Number.isSafeInteger(recipientId) || recipientId <= 0) return null;
  return { kind, recipientId, ...(link ? { link: parseInt(link, 36) } : {}) };
}
