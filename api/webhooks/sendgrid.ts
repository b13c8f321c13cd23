/**
 * SendGrid's signed Event Webhook for e-mail sent through its SMTP relay:
 *   POST /webhooks/sendgrid   a JSON array of events, ECDSA-signed (X-Twilio-Email-Event-Webhook-*)
 * The verification key is SENDGRID_WEBHOOK_PUBLIC_KEY (base64 DER or PEM); without it the endpoint
 * does not exist. Events are matched to messages by Herald's Message-ID (`<r<id>.<campaign>@herald>`,
 * which SendGrid reports as `smtp-id`), a `herald_recipient` custom argument, or sg_message_id.
 */
import { Hono } from 'hono';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { sendgridPublicKey, verifySendgridSignature } from '../../domain/tracking-signatures.ts';
import type { ProviderEvent } from '../../db/repositories/tracking-provider-events.ts';
import { zodToValidationError } from '../errors.ts';
import type { Ingest } from '../tracking/ingest.ts';

const eventSchema = z.looseObject({
  event: z.string().max(32),
  timestamp: z.number().int().nonnegative().optional(),
  sg_event_id: z.string().max(128).optional(),
  sg_message_id: z.string().max(256).optional(),
  'smtp-id': z.string().max(512).optional(),
  type: z.string().max(32).optional(),
  reason: z.string().max(2000).optional(),
  status: z.string().max(32).optional(),
  herald_recipient: z.union([z.string().regex(/^\d{1,18}$/), z.number().int().positive()]).optional(),
});
const bodySchema = z.array(eventSchema).max(10_000);

const MESSAGE_ID = /<r(\d{1,18})\.[0-9a-f-]+@herald>/i;

export function toProviderEvent(e: z.infer<typeof eventSchema>): ProviderEvent | undefined {
  const type: ProviderEvent['type'] | undefined =
    e.event === 'delivered' ? 'delivered'
    : e.event === 'bounce' ? (e.type === 'blocked' ? 'bounced_soft' : 'bounced_hard')
    : e.event === 'dropped' ? 'failed'
    : e.event === 'spamreport' ? 'complained'
    : e.event === 'unsubscribe' || e.event === 'group_unsubscribe' ? 'unsubscribed'
    : undefined; // processed, deferred (SendGrid retries), open, click (Herald tracks those itself)
  if (!type) return undefined;
  const fromHeader = e['smtp-id']?.match(MESSAGE_ID)?.[1];
  const rid = e.herald_recipient !== undefined ? Number(e.herald_recipient) : fromHeader ? Number(fromHeader) : undefined;
  const pid = e.sg_message_id?.split('.')[0];
  if (!rid && !pid) return undefined;
  return {
    key: `sg:${e.sg_event_id ?? `${e.sg_message_id ?? rid}:${e.event}`}`,
    source: 'sendgrid',
    type,
    ...(rid ? { recipientId: rid } : {}),
    ...(pid ? { providerMessageId: pid } : {}),
    occurredAt: e.timestamp ? new Date(e.timestamp * 1000) : new Date(),
    ...(e.reason ? { reason: e.reason } : {}),
  };
}

export function sendgridWebhooks(deps: AppDeps, ingest: Ingest) {
  const configured = deps.config.SENDGRID_WEBHOOK_PUBLIC_KEY;
  let key: KeyObject | undefined;
  if (configured) {
    try {
      key = sendgridPublicKey(configured);
    } catch (err) {
      deps.log.error({ err }, 'SENDGRID_WEBHOOK_PUBLIC_KEY is not a valid public key: the SendGrid webhook is off');
    }
  }

  return new Hono().post('/', async (c) => {
    if (!key) throw new NotFoundError('webhook', 'sendgrid');
    const raw = Buffer.from(await c.req.arrayBuffer());
    const signature = c.req.header('x-twilio-email-event-webhook-signature');
    const timestamp = c.req.header('x-twilio-email-event-webhook-timestamp');
    if (!signature || !timestamp) throw new UnauthenticatedError('the SendGrid signature headers are missing', 'signature_missing');
    const verdict = verifySendgridSignature(key, { timestamp, signature, body: raw });
    if (!verdict.ok) {
      throw new ForbiddenError(verdict.reason === 'stale' ? 'the signed timestamp is older than 5 minutes' : 'the SendGrid signature does not match', `signature_${verdict.reason}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new SyntaxError('body is not JSON');
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) throw zodToValidationError(parsed.error);
    const events = parsed.data.map(toProviderEvent).filter((e): e is ProviderEvent => e !== undefined);
    const matched = await Promise.all(events.map((e) => ingest.events.add(e)));
    return c.json({ received: parsed.data.length, matched: matched.filter(Boolean).length });
  });
}
