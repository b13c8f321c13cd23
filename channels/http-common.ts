/**
 * What the HTTP adapters share: one undici dispatcher with keep-alive connections (capped per
 * origin), request timeouts, and the mapping of provider answers to results. `undici`'s
 * `dispatcher.request` costs about a quarter of `fetch`'s CPU per request (BENCHMARKS.md), and CPU
 * per message is what bounds a worker's throughput.
 */
import { Agent, type Dispatcher } from 'undici';
import type { CampaignChannel } from '../domain/campaign-rules.ts';
import { ChannelConfigError } from './errors.ts';
import type { SendResult } from './types.ts';

export interface HttpOptions {
  /** Keep-alive connections per origin (default 10). */
  connections?: number;
  /** Connect, response-headers and body timeouts, each (default 10 s). */
  timeoutMs?: number;
  /** Share one dispatcher between adapters; an adapter closes only a dispatcher it created. */
  dispatcher?: Dispatcher;
}

export function createDispatcher(opts: HttpOptions = {}): Dispatcher {
  const timeout = opts.timeoutMs ?? 10_000;
  return new Agent({
    connections: opts.connections ?? 10,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: { timeout: Math.min(timeout, 5_000) },
  });
}

/** A dispatcher the adapter uses, and whether closing the adapter closes it. */
export function dispatcherFor(opts: HttpOptions): { dispatcher: Dispatcher; close: () => Promise<void> } {
  if (opts.dispatcher) return { dispatcher: opts.dispatcher, close: async () => {} };
  const dispatcher = createDispatcher(opts);
  let closing: Promise<void> | undefined;
  return { dispatcher, close: () => (closing ??= dispatcher.close()) };
}

export interface ProviderAnswer {
  status: number;
  retryAfter: string | undefined;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  json: unknown;
  text: string;
}

/** POSTs and reads the whole answer; network failures and timeouts come back as a retryable result. */
export async function post(
  dispatcher: Dispatcher,
  origin: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<ProviderAnswer | SendResult> {
  let res: Dispatcher.ResponseData;
  try {
    res = await dispatcher.request({ origin, path, method: 'POST', headers, body });
  } catch (err) {
    return networkFailure(err);
  }
  let text: string;
  try {
    text = await res.body.text();
  } catch (err) {
    // The provider answered but the body broke off: whether it took the message is unknown, and
    // the idempotency key makes a retry safe.
    return networkFailure(err);
  }
  const h = res.headers['retry-after'];
  return { status: res.statusCode, retryAfter: Array.isArray(h) ? h[0] : h, json: parseJson(text), text };
}

export function isAnswer(x: ProviderAnswer | SendResult): x is ProviderAnswer {
  return 'status' in x;
}

export interface Classify {
  channel: CampaignChannel;
  /** The provider's own error code from an error body (Twilio `code`, FCM `errorCode`/`status`). */
  errorCode: (json: unknown) => string | undefined;
  /** Statuses that mean Herald's credentials or account are wrong: throw, do not fail recipients. */
  configStatuses: (status: number, code: string | undefined) => boolean;
}

/** Non-2xx answers → results. 400/404/410/422 and other 4xx: permanent; 408/409/425/429/5xx: retryable. */
export function failureResult(answer: ProviderAnswer, c: Classify): SendResult {
  const { status } = answer;
  const providerCode = c.errorCode(answer.json);
  const code = providerCode ?? `http_${status}`;
  const message = errorMessage(answer) ?? `HTTP ${status}`;
  if (c.configStatuses(status, providerCode)) {
    throw new ChannelConfigError(c.channel, `the provider refused Herald's credentials (HTTP ${status}${providerCode ? `, ${providerCode}` : ''}): ${message}`);
  }
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter);
    return { kind: 'retryable', code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'permanent', code, message };
}

/** `Retry-After` as delay-seconds or an HTTP date → milliseconds from now (never negative). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkFailure(err: unknown): SendResult {
  const e = err as { code?: string; message?: string };
  return { kind: 'retryable', code: e?.code ?? 'network_error', message: (e?.message ?? String(err)).slice(0, 500) };
}

function parseJson(text: string): unknown {
  if (!text || (text[0] !== '{' && text[0] !== '[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorMessage(a: ProviderAnswer): string | undefined {
  const j = a.json as { message?: unknown; error?: { message?: unknown } } | undefined;
  const m = j?.error?.message ?? j?.message;
  if (typeof m === 'string') return m.slice(0, 500);
  return a.text ? a.text.slice(0, 200) : undefined;
}

/** `application/x-www-form-urlencoded` of a few fields. */
export function formEncode(fields: Record<string, string>): string {
  let out = '';
  for (const k of Object.keys(fields)) out += `${out ? '&' : ''}${k}=${encodeURIComponent(fields[k]!)}`;
  return out;
}

/** Base URL → origin and path prefix (no trailing slash): `http://h:1/api/` → [`http://h:1`, `/api`]. */
export function splitBaseUrl(baseUrl: string): { origin: string; prefix: string } {
  const u = new URL(baseUrl);
  return { origin: u.origin, prefix: u.pathname.replace(/\/+$/, '') };
}
