/**
 * Push through an FCM-HTTP-v1-compatible API: `POST {base}/v1/projects/{project}/messages:send`
 * with a Bearer token and `{ message: { token, notification: { title, body }, webpush } }`.
 * FCM has no idempotency of its own; the key still goes out as `Idempotency-Key` for gateways
 * (and the sink) that honour it.
 */
import { dispatcherFor, failureResult, isAnswer, post, splitBaseUrl, type HttpOptions } from './http-common.ts';
import type { ChannelAdapter, OutboundMessage, SendResult } from './types.ts';

export interface FcmAdapterOptions extends HttpOptions {
  /** e.g. `https://fcm.googleapis.com` or the local sink. */
  baseUrl: string;
  projectId: string;
  /** An OAuth2 access token, or a function returning a current one (tokens from a service account expire hourly). */
  accessToken: string | (() => string | Promise<string>);
}

interface FcmError {
  error?: { status?: string; details?: { errorCode?: string }[] };
}

export function createFcmAdapter(opts: FcmAdapterOptions): ChannelAdapter {
  const { origin, prefix } = splitBaseUrl(opts.baseUrl);
  const path = `${prefix}/v1/projects/${encodeURIComponent(opts.projectId)}/messages:send`;
  const { dispatcher, close } = dispatcherFor(opts);
  const token = opts.accessToken;
  const classify = {
    channel: 'push' as const,
    errorCode: (j: unknown) => {
      const e = (j as FcmError | undefined)?.error;
      const detail = e?.details?.find((d) => typeof d?.errorCode === 'string')?.errorCode;
      if (detail ?? e?.status) return detail ?? e?.status;
      const code = (j as { code?: unknown } | undefined)?.code;
      return typeof code === 'number' || typeof code === 'string' ? String(code) : undefined;
    },
    // 401: the token is wrong or expired. 403 is the project's permission, except
    // SENDER_ID_MISMATCH, which is about this one device token.
    configStatuses: (status: number, code: string | undefined) => status === 401 || (status === 403 && code !== 'SENDER_ID_MISMATCH'),
  };

  return {
    channel: 'push',
    async send(message: OutboundMessage): Promise<SendResult> {
      if (!message.to) throw new TypeError('push: message.to (the device token) is empty');
      const bearer = typeof token === 'string' ? token : await token();
      const payload = {
        message: {
          token: message.to,
          notification: { title: message.subject ?? '', body: message.text ?? '' },
          ...(message.url ? { webpush: { fcm_options: { link: message.url } } } : {}),
        },
      };
      const answer = await post(
        dispatcher,
        origin,
        path,
        {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json; charset=utf-8',
          accept: 'application/json',
          'idempotency-key': message.idempotencyKey,
        },
        JSON.stringify(payload),
      );
      if (!isAnswer(answer)) return answer;
      if (answer.status >= 200 && answer.status < 300) {
        const name = (answer.json as { name?: unknown } | undefined)?.name;
        return { kind: 'accepted', providerId: typeof name === 'string' ? name : message.idempotencyKey };
      }
      return failureResult(answer, classify);
    },
    close,
  };
}
