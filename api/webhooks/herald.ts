/**
 * Herald's generic provider webhook, for any provider (or relay) that can sign like Herald does
 * (channels/webhook-signature.ts: HMAC-SHA256 over "<timestamp>.<body>", 5-minute tolerance):
 *   POST /webhooks/herald  { "events": [{ "id", "type", "messageId" | "reference", "bounce"?, "occurredAt"?, "reason"? }] }
 * `reference` is the idempotency key Herald sent with the message (`herald-<campaign>-<recipient>`);
 * `messageId` the id the provider answered with.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../channels/webhook-signature.ts';
import { DEV_CREDENTIALS } from '../../channels/index.ts';
import { REPLAY_TOLERANCE_SECONDS } from '../../domain/tracking-signatures.ts';
import type { ProviderEvent } from '../../db/repositories/tracking-provider-events.ts';
import { zodToValidationError } from '../errors.ts';
import type { Ingest } from '../tracking/ingest.ts';

const REFERENCE = /^herald-[0-9a-f-]{36}-(\d{1,18})$/;

const bodySchema = z.object({
  events: z
    .array(
      z
        .object({
          id: z.string().min(1).max(128),
          type: z.enum(['delivered', 'bounced', 'complained', 'failed', 'unsubscribed']),
          bounce: z.enum(['hard', 'soft']).optional(),
          messageId: z.string().min(1).max(128).optional(),
          reference: z.string().regex(REFERENCE).optional(),
          occurredAt: z.iso.datetime({ offset: true }).optional(),
          reason: z.string().max(500).optional(),
        })
        .refine((e) => e.messageId || e.reference, { message: 'messageId or reference is required' }),
    )
    .min(1)
    .max(10_000),
});

export function heraldWebhooks(deps: AppDeps, ingest: Ingest) {
  const secret = deps.config.WEBHOOK_SIGNING_SECRET ?? (deps.config.NODE_ENV !== 'production' ? DEV_CREDENTIALS.WEBHOOK_SIGNING_SECRET : undefined);

  return new Hono().post('/', async (c) => {
    if (!secret) throw new ForbiddenError('WEBHOOK_SIGNING_SECRET is not set', 'webhook_not_configured');
    const body = await c.req.text();
    const timestamp = c.req.header(TIMESTAMP_HEADER);
    const signature = c.req.header(SIGNATURE_HEADER);
    if (!timestamp || !signature) throw new UnauthenticatedError('X-Herald-Signature and X-Herald-Timestamp are required', 'signature_missing');
    const verdict = verifyWebhookSignature(secret, { timestamp, signature, body }, { toleranceSeconds: REPLAY_TOLERANCE_SECONDS });
    if (!verdict.ok) {
      throw new ForbiddenError(verdict.reason === 'stale' ? 'the signed timestamp is older than 5 minutes' : 'the signature does not match', `signature_${verdict.reason}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new SyntaxError('body is not JSON');
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) throw zodToValidationError(parsed.error);
    const events: ProviderEvent[] = parsed.data.events.map((e) => {
      const rid = e.reference?.match(REFERENCE)?.[1];
      return {
        key: `hx:${e.id}`,
        source: 'herald-webhook',
        type: e.type === 'bounced' ? (e.bounce === 'soft' ? 'bounced_soft' : 'bounced_hard') : e.type,
        ...(rid ? { recipientId: Number(rid) } : {}),
        ...(e.messageId ? { providerMessageId: e.messageId } : {}),
        occurredAt: e.occurredAt ? new Date(e.occurredAt) : new Date(),
        ...(e.reason ? { reason: e.reason } : {}),
      };
    });
    const matched = await Promise.all(events.map((e) => ingest.events.add(e)));
    return c.json({ received: events.length, matched: matched.filter(Boolean).length });
  });
}
