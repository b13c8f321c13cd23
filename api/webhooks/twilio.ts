/**
 * Twilio (SMS, WhatsApp) webhooks, believed only with a valid `X-Twilio-Signature`:
 *   POST /webhooks/twilio/status   message status callbacks: delivered, undelivered, failed
 *   POST /webhooks/twilio/inbound  inbound messages: STOP and Twilio's other opt-out words; START, YES, UNSTOP undo a STOP
 * Configure the URLs in Twilio exactly as PUBLIC_URL + path: the signature covers the URL.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import { verifyTwilioSignature } from '../../domain/tracking-signatures.ts';
import { DEV_CREDENTIALS } from '../../channels/index.ts';
import { applyInboundStart, applyInboundStop, type ProviderEvent } from '../../db/repositories/tracking-provider-events.ts';
import { zodToValidationError } from '../errors.ts';
import type { Ingest } from '../tracking/ingest.ts';

const statusSchema = z.object({
  MessageSid: z.string().regex(/^[A-Za-z]{2}[A-Za-z0-9]{10,62}$/),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().max(16).optional(),
});

const inboundSchema = z.object({
  MessageSid: z.string().regex(/^[A-Za-z]{2}[A-Za-z0-9]{10,62}$/),
  From: z.string().regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/),
  Body: z.string().max(2000).default(''),
  OptOutType: z.string().max(16).optional(),
});

/** Error codes that mean the number will never receive: a hard bounce (unknown handset, landline, invalid or non-mobile number). */
const HARD_ERRORS = new Set(['30005', '30006', '21211', '21614', '21612']);
/** Twilio's default opt-out keywords. */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
// Twilio's default opt-in keywords: they undo a STOP.
const START_WORDS = new Set(['START', 'YES', 'UNSTOP']);

export function twilioWebhooks(deps: AppDeps, ingest: Ingest) {
  const authToken = deps.config.TWILIO_AUTH_TOKEN ?? (deps.config.NODE_ENV !== 'production' ? DEV_CREDENTIALS.TWILIO_AUTH_TOKEN : undefined);

  const verified = async (c: Context): Promise<Record<string, string>> => {
    if (!authToken) throw new NotFoundError('webhook', 'twilio');
    const raw = await c.req.text();
    const params = new URLSearchParams(raw);
    const url = `${deps.config.publicUrl.replace(/\/$/, '')}${c.req.path}${new URL(c.req.url).search}`;
    const signature = c.req.header('x-twilio-signature');
    if (!signature) throw new UnauthenticatedError('X-Twilio-Signature is missing', 'signature_missing');
    const verdict = verifyTwilioSignature(authToken, url, params, signature);
    if (!verdict.ok) throw new ForbiddenError('X-Twilio-Signature does not match', 'signature_invalid');
    return Object.fromEntries(params);
  };
  const parse = <T>(schema: z.ZodType<T>, data: unknown): T => {
    const r = schema.safeParse(data);
    if (!r.success) throw zodToValidationError(r.error);
    return r.data;
  };

  return new Hono()
    .post('/status', async (c) => {
      const p = parse(statusSchema, await verified(c));
      const status = p.MessageStatus.toLowerCase();
      const base = { key: `tw:${p.MessageSid}:${status}`, source: 'twilio', providerMessageId: p.MessageSid, occurredAt: new Date() };
      let event: ProviderEvent | undefined;
      if (status === 'delivered') event = { ...base, type: 'delivered' };
      else if (status === 'undelivered') {
        event = { ...base, type: HARD_ERRORS.has(p.ErrorCode ?? '') ? 'bounced_hard' : 'bounced_soft', reason: `twilio ${p.ErrorCode ?? 'undelivered'}` };
      } else if (status === 'failed') event = { ...base, type: HARD_ERRORS.has(p.ErrorCode ?? '') ? 'bounced_hard' : 'failed', reason: `twilio ${p.ErrorCode ?? 'failed'}` };
      // queued, sending, sent, accepted, read…: nothing to record.
      const matched = event ? await ingest.events.add(event) : false;
      return c.json({ received: 1, matched: matched ? 1 : 0 });
    })
    .post('/inbound', async (c) => {
      const p = parse(inboundSchema, await verified(c));
      const word = p.Body.trim().toUpperCase();
      const whatsapp = p.From.startsWith('whatsapp:');
      const from = { channel: whatsapp ? ('whatsapp' as const) : ('sms' as const), address: whatsapp ? p.From.slice('whatsapp:'.length) : p.From };
      if (STOP_WORDS.has(word) || p.OptOutType?.toUpperCase() === 'STOP') {
        await applyInboundStop(deps.orm.em.fork(), { ...from, key: `tw-in:${p.MessageSid}`, source: 'inbound-stop', at: new Date() });
      } else if (START_WORDS.has(word) || p.OptOutType?.toUpperCase() === 'START') {
        await applyInboundStart(deps.orm.em.fork(), { ...from, source: 'inbound-start', at: new Date() });
      }
      // An empty TwiML answer: Herald sends no reply (Twilio's own opt-out and opt-in replies cover STOP and START).
      return c.body('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', 200, { 'content-type': 'text/xml' });
    });
}
