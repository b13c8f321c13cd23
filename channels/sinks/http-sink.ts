/**
 * A local stand-in for the paid HTTP providers (Twilio-style SMS/WhatsApp, FCM-style push, generic
 * webhooks) that speaks their request shapes, honours `Idempotency-Key` (a repeated key is accepted
 * once and counted as a duplicate) and injects faults on demand. Inspection under `/_sink/`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../webhook-signature.ts';

export interface SinkFaults {
  /** Share of requests answered 500 (0..1). */
  errorRate?: number;
  /** The next n requests get 429 with Retry-After. */
  throttleNext?: number;
  retryAfterSeconds?: number;
  /** Recipients (To / token / url) rejected permanently (400). */
  rejectAddresses?: string[];
  latencyMs?: number;
}

export interface SinkMessage {
  channel: 'sms' | 'whatsapp' | 'push' | 'webhook';
  to: string;
  body: string;
  idempotencyKey?: string;
  providerId: string;
  receivedAt: string;
  /** Twilio: the From field. */
  from?: string;
  /** Push: notification title and webpush link. */
  title?: string;
  link?: string;
  /** The request as it arrived: path, Authorization header, raw body. */
  path?: string;
  authorization?: string;
  raw?: string;
  /** Webhooks, when the sink has a `webhookSecret`: the signature verified. */
  signatureValid?: boolean;
}

export interface SinkCounters {
  requests: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: number;
  throttled: number;
  /** Webhooks refused with 401 because their signature did not verify (only with `webhookSecret`). */
  badSignatures: number;
  byChannel: Record<string, number>;
  uniqueKeys: number;
}

export interface HttpSinkOptions {
  port: number;
  host?: string;
  /** How many recent messages are kept for inspection; 0 keeps only counters (benchmarks). */
  keep?: number;
  /** Verify `X-Herald-Signature` on webhooks with this secret; a bad one is answered 401. */
  webhookSecret?: string;
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface HttpSink {
  port: number;
  close: () => Promise<void>;
  /** In-process shortcuts for what `/_sink/*` serves over HTTP. */
  stats: () => SinkCounters;
  messages: () => SinkMessage[];
  setFaults: (faults: SinkFaults) => void;
  reset: () => void;
}

const MAX_BODY = 1024 * 1024;

export async function startHttpSink(opts: HttpSinkOptions): Promise<HttpSink> {
  const keep = opts.keep ?? 1000;
  let faults: SinkFaults = {};
  let recent: SinkMessage[] = [];
  const byKey = new Map<string, string>();
  const counters = { requests: 0, accepted: 0, duplicates: 0, rejected: 0, errors: 0, throttled: 0, badSignatures: 0, byChannel: {} as Record<string, number> };
  const stats = (): SinkCounters => ({ ...counters, byChannel: { ...counters.byChannel }, uniqueKeys: byKey.size });
  const reset = () => {
    recent = [];
    byKey.clear();
    faults = {};
    Object.assign(counters, { requests: 0, accepted: 0, duplicates: 0, rejected: 0, errors: 0, throttled: 0, badSignatures: 0, byChannel: {} });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const run = () => handle(req, res, body);
      if (faults.latencyMs && !req.url?.startsWith('/_sink/')) setTimeout(run, faults.latencyMs);
      else run();
    });
  });
  server.keepAliveTimeout = 65_000;

  function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? '/', 'http://sink');
    if (url.pathname.startsWith('/_sink/')) return inspect(req, res, url, body);
    if (opts.extra?.(req, res)) return;
    if (req.method !== 'POST') return json(res, 405, { message: 'POST only' });
    counters.requests += 1;

    let parsed: ReturnType<typeof parseProviderRequest>;
    try {
      parsed = parseProviderRequest(url.pathname, req.headers['content-type'] ?? '', body);
    } catch {
      return json(res, 400, { code: 'invalid_json', message: 'request body is not valid JSON' });
    }
    if (!parsed) return json(res, 404, { message: `no provider endpoint at ${url.pathname}` });
    let signatureValid: boolean | undefined;
    if (parsed.channel === 'webhook' && opts.webhookSecret) {
      const check = verifyWebhookSignature(opts.webhookSecret, { timestamp: header(req, TIMESTAMP_HEADER), signature: header(req, SIGNATURE_HEADER), body });
      if (!check.ok) {
        counters.badSignatures += 1;
        return json(res, 401, { code: 'invalid_signature', message: `signature ${check.reason}` });
      }
      signatureValid = true;
    }

    if (faults.throttleNext && faults.throttleNext > 0) {
      faults.throttleNext -= 1;
      counters.throttled += 1;
      return json(res, 429, { message: 'Too Many Requests' }, { 'retry-after': String(faults.retryAfterSeconds ?? 1) });
    }
    if (faults.errorRate && Math.random() < faults.errorRate) {
      counters.errors += 1;
      return json(res, 500, { message: 'injected provider error' });
    }
    if (faults.rejectAddresses?.includes(parsed.to)) {
      counters.rejected += 1;
      return json(res, 400, { code: 21211, message: `The 'To' number ${parsed.to} is not a valid recipient` });
    }
    const key = header(req, 'idempotency-key') ?? header(req, 'i-twilio-idempotency-token');
    if (key) {
      const existing = byKey.get(key);
      if (existing) {
        counters.duplicates += 1;
        return json(res, 200, providerResponse(parsed.channel, existing, parsed.to));
      }
    }
    const providerId = randomUUID();
    if (key) byKey.set(key, providerId);
    counters.accepted += 1;
    counters.byChannel[parsed.channel] = (counters.byChannel[parsed.channel] ?? 0) + 1;
    if (keep > 0) {
      const authorization = header(req, 'authorization');
      recent.push({
        ...parsed,
        providerId,
        receivedAt: new Date().toISOString(),
        path: url.pathname,
        raw: body,
        ...(key ? { idempotencyKey: key } : {}),
        ...(authorization ? { authorization } : {}),
        ...(signatureValid !== undefined ? { signatureValid } : {}),
      });
      if (recent.length > keep * 2) recent = recent.slice(-keep);
    }
    return json(res, parsed.channel === 'push' || parsed.channel === 'webhook' ? 200 : 201, providerResponse(parsed.channel, providerId, parsed.to));
  }

  function inspect(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    if (url.pathname === '/_sink/stats') return json(res, 200, stats());
    if (url.pathname === '/_sink/messages') {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, keep);
      return json(res, 200, limit > 0 ? recent.slice(-limit) : []);
    }
    if (url.pathname === '/_sink/faults' && req.method === 'POST') {
      faults = body ? (JSON.parse(body) as SinkFaults) : {};
      return json(res, 200, faults);
    }
    if (url.pathname === '/_sink/reset' && req.method === 'POST') {
      reset();
      return json(res, 200, { reset: true });
    }
    return json(res, 404, { message: 'unknown sink endpoint' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : opts.port,
    stats,
    messages: () => (keep > 0 ? recent.slice(-keep) : []),
    setFaults: (f) => {
      faults = { ...f };
    },
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseProviderRequest(path: string, contentType: string, body: string): Omit<SinkMessage, 'providerId' | 'receivedAt'> | undefined {
  // Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded To/From/Body.
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(path)) {
    const form = new URLSearchParams(body);
    const to = form.get('To') ?? '';
    const from = form.get('From');
    return { channel: to.startsWith('whatsapp:') ? 'whatsapp' : 'sms', to, body: form.get('Body') ?? '', ...(from !== null ? { from } : {}) };
  }
  // FCM HTTP v1: POST /v1/projects/{project}/messages:send, JSON { message: { token, notification } }.
  if (/^\/v1\/projects\/[^/]+\/messages:send$/.test(path) && contentType.includes('json')) {
    type Fcm = { message?: { token?: string; notification?: { title?: string; body?: string }; webpush?: { fcm_options?: { link?: string } } } };
    const msg = (JSON.parse(body || '{}') as Fcm).message;
    const title = msg?.notification?.title;
    const link = msg?.webpush?.fcm_options?.link;
    return { channel: 'push', to: msg?.token ?? '', body: msg?.notification?.body ?? '', ...(title !== undefined ? { title } : {}), ...(link !== undefined ? { link } : {}) };
  }
  if (path.startsWith('/webhook/')) return { channel: 'webhook', to: path, body };
  return undefined;
}

function providerResponse(channel: SinkMessage['channel'], id: string, to: string) {
  if (channel === 'push') return { name: `projects/herald-dev/messages/${id}` };
  if (channel === 'webhook') return { ok: true, id };
  return { sid: `SM${id.replace(/-/g, '')}`, status: 'queued', to };
}
