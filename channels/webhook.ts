/**
 * Generic signed webhook: POSTs the message's JSON body to the recipient's URL (`message.to`) with
 * `X-Herald-Timestamp`, `X-Herald-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` and
 * `Idempotency-Key`. Receivers verify with `verifyWebhookSignature` (webhook-signature.ts).
 * The URL is the recipient's data: a malformed one fails that recipient, and any answer the
 * endpoint gives (401/403 included) is about that endpoint, never Herald's configuration.
 * Endpoints are reached as given: put an egress proxy in front if recipients may name internal hosts.
 */
import { dispatcherFor, failureResult, isAnswer, post, type HttpOptions } from './http-common.ts';
import { signWebhook } from './webhook-signature.ts';
import type { ChannelAdapter, OutboundMessage, SendResult } from './types.ts';

export interface WebhookAdapterOptions extends HttpOptions {
  signingSecret: string;
  /** Seconds since the epoch; for tests. */
  now?: () => number;
}

export function createWebhookAdapter(opts: WebhookAdapterOptions): ChannelAdapter {
  if (!opts.signingSecret) throw new TypeError('webhook: signingSecret is required');
  const { dispatcher, close } = dispatcherFor(opts);
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const classify = {
    channel: 'webhook' as const,
    errorCode: (j: unknown) => {
      const code = (j as { code?: unknown } | undefined)?.code;
      return typeof code === 'number' || typeof code === 'string' ? String(code) : undefined;
    },
    configStatuses: () => false,
  };

  return {
    channel: 'webhook',
    async send(message: OutboundMessage): Promise<SendResult> {
      if (message.text === undefined) throw new TypeError('webhook: message.text (the JSON body) is missing');
      let url: URL;
      try {
        url = new URL(message.to);
      } catch {
        return { kind: 'permanent', code: 'invalid_url', message: `not a URL: ${JSON.stringify(message.to.slice(0, 200))}` };
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return { kind: 'permanent', code: 'invalid_url', message: `webhooks go to http(s) URLs, not ${url.protocol}` };
      }
      const timestamp = String(now());
      const body = message.text;
      const answer = await post(
        dispatcher,
        url.origin,
        url.pathname + url.search,
        {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Herald-Webhooks/1',
          'idempotency-key': message.idempotencyKey,
          'x-herald-timestamp': timestamp,
          'x-herald-signature': signWebhook(opts.signingSecret, timestamp, body),
          ...(url.username ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` } : {}),
        },
        body,
      );
      if (!isAnswer(answer)) return answer;
      if (answer.status >= 200 && answer.status < 300) {
        const id = (answer.json as { id?: unknown } | undefined)?.id;
        return { kind: 'accepted', providerId: typeof id === 'string' || typeof id === 'number' ? String(id) : message.idempotencyKey };
      }
      return failureResult(answer, classify);
    },
    close,
  };
}
