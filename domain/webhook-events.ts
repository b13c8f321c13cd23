/**
 * Outbound event webhooks (seed 001 §8): which events a company can subscribe an endpoint to, which
 * endpoints it may name, and how failed deliveries are retried.
 */

/** Subscribable event types, and the fact each one comes from. */
export const WEBHOOK_EVENTS = [
  'message.sent', //           a recipient row marked sent
  'message.delivered', //      message_events delivered
  'message.bounced', //        message_events bounced_hard / bounced_soft
  'message.complained', //     message_events complained
  'message.opened', //         message_events opened (flags: automated, repeat)
  'message.clicked', //        message_events clicked (with the link's URL)
  'contact.unsubscribed', //   message_events unsubscribed
  'conversion.created', //     conversions inserted
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Events per delivery: one statement's facts are sent together, in chunks of at most this many. */
export const EVENTS_PER_DELIVERY = 500;

/** After this many failed attempts a delivery is given up as failed (≈ 17 h of retrying). */
export const MAX_DELIVERY_ATTEMPTS = 12;

/**
 * Wait before retry `attempt` (1-based count of failures so far): 10 s doubling, at most 4 h, with
 * ±20 % jitter from `random` so endpoints that fail together do not retry together.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 4 * 3600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export type EndpointCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Whether `raw` may receive deliveries. HTTPS only, no credentials in the URL, and (unless
 * `allowInsecure`, for development against a local receiver) no loopback, private, link-local or
 * metadata addresses — a webhook must not become a way to reach Herald's own network. Host names are
 * checked as written; the dispatcher checks the resolved address again before it connects.
 */
export function checkEndpoint(raw: string, allowInsecure: boolean): EndpointCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) return { ok: false, reason: 'must use https' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry a user name or password; the signature authenticates Herald' };
  if (url.hash) return { ok: false, reason: 'must not have a #fragment' };
  if (!allowInsecure && isPrivateHost(url.hostname)) return { ok: false, reason: 'must be a public address, not a private, loopback or link-local one' };
  return { ok: true, url };
}

/** Loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified and `localhost` names. */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.internal') || h.endsWith('.local')) return true;
  const v4 = h.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (h.includes(':')) {
    if (h === '::' || h === '::1') return true;
    const mapped = h.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped) return isPrivateHost(mapped[1]!);
    return /^f[cd]/.test(h) || /^fe[89ab]/.test(h);
  }
  return false;
}
