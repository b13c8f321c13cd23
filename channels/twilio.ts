/**
 * SMS and WhatsApp through a Twilio-compatible Messages API:
 * `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`, form-encoded To/From/Body, basic auth with
 * the account SID and auth token. WhatsApp is the same call with `whatsapp:` on both numbers. The
 * recipient row's key goes out as `Idempotency-Key` and `I-Twilio-Idempotency-Token`, so a retry
 * after a lost answer is not a second message.
 */
import { ChannelConfigError } from './errors.ts';
import { dispatcherFor, failureResult, formEncode, isAnswer, post, splitBaseUrl, type HttpOptions } from './http-common.ts';
import type { ChannelAdapter, OutboundMessage, SendResult } from './types.ts';

export interface TwilioAdapterOptions extends HttpOptions {
  channel: 'sms' | 'whatsapp';
  /** e.g. `https://api.twilio.com` or the local sink. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender number (E.164) when a message has no `from`; `whatsapp:` is added for WhatsApp. */
  from?: string;
}

export function createTwilioAdapter(opts: TwilioAdapterOptions): ChannelAdapter {
  const { channel } = opts;
  const { origin, prefix } = splitBaseUrl(opts.baseUrl);
  const path = `${prefix}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  const { dispatcher, close } = dispatcherFor(opts);
  const classify = {
    channel,
    errorCode: (j: unknown) => {
      const code = (j as { code?: unknown } | undefined)?.code;
      return typeof code === 'number' || typeof code === 'string' ? String(code) : undefined;
    },
    // 401: the SID/token pair is wrong. (Twilio's 403s are per destination, e.g. a country not enabled.)
    configStatuses: (status: number) => status === 401,
  };

  return {
    channel,
    async send(message: OutboundMessage): Promise<SendResult> {
      const sender = message.from?.address ?? opts.from;
      if (!sender) throw new ChannelConfigError(channel, 'no sender number: set message.from or the adapter `from`');
      if (!message.to) throw new TypeError(`${channel}: message.to is empty`);
      if (message.text === undefined) throw new TypeError(`${channel}: message.text (the SMS body) is missing`);
      const body = formEncode({ To: address(channel, message.to), From: address(channel, sender), Body: message.text });
      const answer = await post(
        dispatcher,
        origin,
        path,
        {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'idempotency-key': message.idempotencyKey,
          'i-twilio-idempotency-token': message.idempotencyKey,
        },
        body,
      );
      if (!isAnswer(answer)) return answer;
      if (answer.status >= 200 && answer.status < 300) {
        const sid = (answer.json as { sid?: unknown } | undefined)?.sid;
        return { kind: 'accepted', providerId: typeof sid === 'string' ? sid : message.idempotencyKey };
      }
      return failureResult(answer, classify);
    },
    close,
  };
}

function address(channel: 'sms' | 'whatsapp', number: string): string {
  return channel === 'whatsapp' && !number.startsWith('whatsapp:') ? `whatsapp:${number}` : number;
}
