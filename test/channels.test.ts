/**
 * Every channel adapter against the local sinks over the wire: what the provider received is what
 * Herald meant to send, and each provider outcome (accepted, refused for good, try later) comes back
 * as the right result.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/env.ts';
import { ChannelConfigError, createChannels, createSmtpAdapter, createTwilioAdapter, createWebhookAdapter, DEV_CREDENTIALS, type Channels } from '../channels/index.ts';
import type { OutboundMessage } from '../channels/types.ts';
import { startHttpSink, type HttpSink } from '../channels/sinks/http-sink.ts';
import { startSmtpSink, type SmtpSink } from '../channels/sinks/smtp-sink.ts';
import { freePort } from '../scripts/lib/ports.ts';

const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

function configFor(smtpPort: number, httpPort: number, extra: Record<string, string> = {}) {
  return parseConfig({
    NODE_ENV: 'test',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    PROVIDER_HTTP_URL: `http://127.0.0.1:${httpPort}`,
    WEBHOOK_SIGNING_SECRET: WEBHOOK_SECRET,
    ...extra,
  });
}

/** A received RFC 5322 message: unfolded headers (lower-case names) and decoded text parts. */
function parseMail(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const boundary = /boundary="([^"]+)"/.exec(headers.get('content-type') ?? '')?.[1];
  const parts = new Map<string, string>();
  const chunks = boundary ? body.split(`--${boundary}`).slice(1, -1) : [`\r\n${raw}`];
  for (const chunk of chunks) {
    const c = chunk.replace(/^\r\n/, '');
    const end = c.indexOf('\r\n\r\n');
    const h = parseHeaders(c.slice(0, end));
    const content = c.slice(end + 4).replace(/\r\n$/, '');
    const cte = h.get('content-transfer-encoding');
    const decoded =
      cte === 'quoted-printable'
        ? Buffer.from(content.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, x: string) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8')
        : cte === 'base64'
          ? Buffer.from(content, 'base64').toString('utf8')
          : content;
    parts.set((h.get('content-type') ?? '').split(';')[0]!, decoded);
  }
  return { headers, parts };
}

/** RFC 2047 Q-encoded words → text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, q: string) =>
      Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, x: string) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8'),
    );
}

function parseHeaders(block: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) map.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return map;
}

const email = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  channel: 'email',
  idempotencyKey: 'c1:r1',
  to: 'ann@example.com',
  from: { name: 'Acme Shop', address: 'news@acme.test' },
  replyTo: 'help@acme.test',
  subject: 'Spring sale',
  text: 'Hello Ann,\nour spring sale starts today.\n.\nA line that is only a dot, above.',
  html: '<p>Hello Ann,</p>\n<p>our <b>spring sale</b> starts today.</p>',
  headers: {
    'List-Unsubscribe': '<https://herald.example/u/c1/r1/3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  messageId: '<r1.c1@mail.herald.example>',
  ...over,
});

describe('email over SMTP (nodemailer pool → SMTP sink)', () => {
  let sink: SmtpSink;
  let channels: Channels;
  beforeAll(async () => {
    sink = await startSmtpSink({ port: await freePort(), rejectRecipients: ['gone@example.com'], deferRecipients: ['busy@example.com'] });
    channels = createChannels(configFor(sink.port, await freePort()));
  });
  afterAll(async () => {
    await channels?.closeAll();
    await sink?.close();
  });
  beforeEach(() => sink.reset());

  it('delivers From, Reply-To, both parts, List-Unsubscribe (RFC 8058) and the Message-ID, as sent', async () => {
    const result = await channels.get('email').send(email());
    const [mail] = sink.messages();
    expect(result).toEqual({ kind: 'accepted', providerId: String(mail!.id) }); // the relay's "queued as" id
    expect(mail!.from).toBe('news@acme.test');
    expect(mail!.to).toEqual(['ann@example.com']);
    const { headers, parts } = parseMail(mail!.raw!);
    expect(headers.get('from')).toBe('Acme Shop <news@acme.test>');
    expect(headers.get('to')).toBe('ann@example.com');
    expect(headers.get('reply-to')).toBe('help@acme.test');
    expect(headers.get('subject')).toBe('Spring sale');
    expect(headers.get('message-id')).toBe('<r1.c1@mail.herald.example>');
    expect(headers.get('list-unsubscribe')).toBe('<https://herald.example/u/c1/r1/3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a>');
    expect(headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headers.get('mime-version')).toBe('1.0');
    expect(headers.get('date')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(headers.get('content-type')).toMatch(/^multipart\/alternative;/);
    expect(parts.get('text/plain')).toBe(email().text!.replace(/\n/g, '\r\n'));
    expect(parts.get('text/html')).toBe(email().html!.replace(/\n/g, '\r\n'));
    expect(mail!.raw!.split('\r\n').every((l) => l.length <= 998)).toBe(true);
  });

  it('encodes non-ASCII subjects, names and long lines so they arrive intact', async () => {
    const html = `<p>Grüße, ${'x'.repeat(1200)} — €5 off</p>`;
    const result = await channels.get('email').send(email({ subject: 'Grüße 🎉', from: { name: 'Zoë’s Shop', address: 'news@acme.test' }, html, text: 'Привет мир' }));
    expect(result.kind).toBe('accepted');
    const raw = sink.messages()[0]!.raw!;
    expect(raw).not.toMatch(/[^\t\r\n\x20-\x7e]/); // 7-bit clean on the wire
    expect(raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    const { headers, parts } = parseMail(raw);
    expect(decodeWords(headers.get('subject')!)).toBe('Grüße 🎉');
    expect(decodeWords(headers.get('from')!)).toBe('Zoë’s Shop <news@acme.test>');
    expect(parts.get('text/html')).toBe(html);
    expect(parts.get('text/plain')).toBe('Привет мир');
  });

  it('derives the Message-ID from the idempotency key, so a re-send is a duplicate the receiver can spot', async () => {
    const m = email({ messageId: undefined, idempotencyKey: 'campaign-7:recipient-42' });
    expect((await channels.get('email').send(m)).kind).toBe('accepted');
    expect((await channels.get('email').send(m)).kind).toBe('accepted');
    expect(sink.messages().map((x) => x.messageId)).toEqual(['<campaign-7=3Arecipient-42@acme.test>', '<campaign-7=3Arecipient-42@acme.test>']);
    expect(sink.stats()).toMatchObject({ received: 2, uniqueMessageIds: 1, duplicateMessageIds: 1 });
  });

  it('sends an internationalised address through nodemailer’s own composer', async () => {
    const result = await channels.get('email').send(email({ to: 'kim@bücher.example' }));
    expect(result.kind).toBe('accepted');
    const mail = sink.messages()[0]!;
    expect(mail.to).toHaveLength(1);
    expect(mail.to[0]).toMatch(/^kim@(bücher|xn--bcher-kva)\.example$/); // SMTPUTF8 or punycode, as the relay allows
    expect(parseMail(mail.raw!).headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('maps a 550 refusal to permanent and a 451 to retryable, and keeps using the connection', async () => {
    const adapter = channels.get('email');
    const gone = await adapter.send(email({ to: 'gone@example.com' }));
    expect(gone).toMatchObject({ kind: 'permanent', code: 'smtp_550' });
    expect(gone.kind === 'permanent' && gone.message).toMatch(/mailbox unavailable/);
    expect(await adapter.send(email({ to: 'busy@example.com' }))).toMatchObject({ kind: 'retryable', code: 'smtp_451' });
    expect(await adapter.send(email({ to: 'not an address' }))).toMatchObject({ kind: 'permanent', code: 'invalid_address' });
    expect((await adapter.send(email())).kind).toBe('accepted');
    expect(sink.stats()).toMatchObject({ received: 1, rejectedRecipients: 1, deferredRecipients: 1 });
  });

  it('keeps many sends in flight over the pool and delivers each once', async () => {
    const adapter = createSmtpAdapter({ url: `smtp://127.0.0.1:${sink.port}`, pool: { maxConnections: 4 } });
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => adapter.send(email({ idempotencyKey: `bulk-${i}`, messageId: undefined, to: `r${i}@example.com` }))));
      expect(results.every((r) => r.kind === 'accepted')).toBe(true);
      expect(sink.stats()).toMatchObject({ received: 200, uniqueMessageIds: 200, duplicateMessageIds: 0 });
    } finally {
      await adapter.close();
    }
  });

  it('reports a relay that is down as retryable', async () => {
    const adapter = createSmtpAdapter({ url: `smtp://127.0.0.1:${await freePort()}` });
    try {
      expect(await adapter.send(email())).toMatchObject({ kind: 'retryable', message: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await adapter.close();
    }
  });

  it('sends after close come back retryable, and nothing more reaches the relay', async () => {
    const adapter = createSmtpAdapter({ url: `smtp://127.0.0.1:${sink.port}` });
    expect((await adapter.send(email())).kind).toBe('accepted');
    await adapter.close();
    expect(await adapter.send(email({ messageId: '<after.close@x>' }))).toMatchObject({ kind: 'retryable' });
    expect(sink.stats().received).toBe(1);
  });
});

/**
 * A relay that misbehaves on purpose, speaking just enough SMTP for nodemailer: it can drop a
 * connection in the middle of a message, or hang up on every connection once its message is done.
 */
async function startFlakyRelay(behaviour: { dropDuringData?: number; hangUpAfterMessage?: boolean }) {
  const state = { connections: 0, messages: [] as string[], open: new Set<Socket>(), inTransaction: 0, peakInTransaction: 0 };
  let dataSeen = 0;
  const server = createServer((socket) => {
    state.connections++;
    state.open.add(socket);
    socket.on('close', () => state.open.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let inData = false;
    socket.write('220 flaky.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (inData) {
        dataSeen++;
        if (behaviour.dropDuringData !== undefined && dataSeen === behaviour.dropDuringData) return void socket.destroy();
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        state.messages.push(buffer.slice(0, end));
        state.inTransaction--;
        buffer = buffer.slice(end + 5);
        inData = false;
        socket.write(`250 2.0.0 Ok: queued as Q${state.messages.length}\r\n`);
        if (behaviour.hangUpAfterMessage) socket.end();
        return;
      }
      for (let i = buffer.indexOf('\r\n'); i >= 0 && !inData; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i).toUpperCase();
        buffer = buffer.slice(i + 2);
        if (line.startsWith('MAIL')) state.peakInTransaction = Math.max(state.peakInTransaction, ++state.inTransaction);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 flaky.test\r\n');
        else if (line.startsWith('DATA')) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    state,
    close: () => {
      for (const s of state.open) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('SMTP connection pool against a misbehaving relay', () => {
  it('a connection lost mid-message is retryable; the next send reconnects and is delivered', async () => {
    const relay = await startFlakyRelay({ dropDuringData: 1 });
    const adapter = createSmtpAdapter({ url: `smtp://127.0.0.1:${relay.port}`, pool: { maxConnections: 1 } });
    try {
      expect(await adapter.send(email())).toMatchObject({ kind: 'retryable', code: expect.stringMatching(/^E(CONNECTION|SOCKET)$/) });
      expect(await adapter.send(email({ messageId: '<second@x>' }))).toEqual({ kind: 'accepted', providerId: 'Q1' });
      expect(relay.state.connections).toBe(2);
      expect(relay.state.messages).toHaveLength(1);
      expect(relay.state.messages[0]).toContain('Message-ID: <second@x>');
    } finally {
      await adapter.close();
      await relay.close();
    }
  });

  it('a connection the relay hung up on while idle is replaced: no send fails', async () => {
    const relay = await startFlakyRelay({ hangUpAfterMessage: true });
    const adapter = createSmtpAdapter({ url: `smtp://127.0.0.1:${relay.port}`, pool: { maxConnections: 2 } });
    try {
      for (let i = 0; i < 4; i++) {
        expect(await adapter.send(email({ messageId: `<m${i}@x>` }))).toMatchObject({ kind: 'accepted' });
        // Let the hang-up arrive, as it does between two campaigns.
        await waitUntil(() => relay.state.open.size === 0);
      }
      expect(relay.state.messages).toHaveLength(4);
      expect(relay.state.connections).toBe(4);
    } finally {
      await adapter.close();
      await relay.close();
    }
  });

  it('recycles a connection after maxMessages and keeps at most maxConnections open', async () => {
    const relay = await startFlakyRelay({});
    const adapter = createSmtpAdapter({ url: `smtp://127.0.0.1:${relay.port}`, pool: { maxConnections: 3, maxMessages: 5 } });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => adapter.send(email({ messageId: `<bulk${i}@x>`, to: `r${i}@example.com` }))));
      expect(results.every((r) => r.kind === 'accepted')).toBe(true);
      expect(new Set(relay.state.messages.map((m) => /Message-ID: (<[^>]+>)/.exec(m)?.[1])).size).toBe(30);
      expect(relay.state.connections).toBe(6); // 30 messages, 5 per connection
      expect(relay.state.peakInTransaction).toBe(3); // all three used, never a fourth message at once
    } finally {
      await adapter.close();
      await relay.close();
    }
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HTTP providers (undici → HTTP sink)', () => {
  let sink: HttpSink;
  let channels: Channels;
  let base: string;
  beforeAll(async () => {
    sink = await startHttpSink({ port: await freePort(), webhookSecret: WEBHOOK_SECRET });
    base = `http://127.0.0.1:${sink.port}`;
    channels = createChannels(configFor(await freePort(), sink.port));
  });
  afterAll(async () => {
    await channels?.closeAll();
    await sink?.close();
  });
  beforeEach(() => sink.reset());

  const sms = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({ channel: 'sms', idempotencyKey: 'c2:r1', to: '+15551230001', text: 'Spring sale: 20% off today. Reply STOP to opt out.', ...over });
  const basic = `Basic ${Buffer.from(`${DEV_CREDENTIALS.TWILIO_ACCOUNT_SID}:${DEV_CREDENTIALS.TWILIO_AUTH_TOKEN}`).toString('base64')}`;

  it('SMS: posts To/From/Body with basic auth and the idempotency key; the sid is the provider id', async () => {
    const result = await channels.get('sms').send(sms());
    const [got] = sink.messages();
    expect(result).toEqual({ kind: 'accepted', providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    expect(got).toMatchObject({
      channel: 'sms',
      to: '+15551230001',
      from: DEV_CREDENTIALS.TWILIO_FROM,
      body: sms().text,
      authorization: basic,
      idempotencyKey: 'c2:r1',
      path: `/2010-04-01/Accounts/${DEV_CREDENTIALS.TWILIO_ACCOUNT_SID}/Messages.json`,
    });
    expect(result.kind === 'accepted' && result.providerId).toBe(`SM${got!.providerId.replace(/-/g, '')}`);
  });

  it('WhatsApp: the same API with whatsapp: on both numbers', async () => {
    const result = await channels.get('whatsapp').send(sms({ channel: 'whatsapp', from: { address: '+15005550009' } }));
    expect(result.kind).toBe('accepted');
    expect(sink.messages()[0]).toMatchObject({ channel: 'whatsapp', to: 'whatsapp:+15551230001', from: 'whatsapp:+15005550009', authorization: basic });
  });

  it('push: FCM v1 JSON with the Bearer token; the message name is the provider id', async () => {
    const result = await channels.get('push').send({ channel: 'push', idempotencyKey: 'c3:r9', to: 'device-token-abc', subject: 'Spring sale', text: '20% off today', url: 'https://shop.example/sale' });
    expect(result).toEqual({ kind: 'accepted', providerId: expect.stringMatching(/^projects\/herald-dev\/messages\//) });
    const [got] = sink.messages();
    expect(got).toMatchObject({ channel: 'push', to: 'device-token-abc', title: 'Spring sale', body: '20% off today', link: 'https://shop.example/sale', authorization: `Bearer ${DEV_CREDENTIALS.FCM_ACCESS_TOKEN}`, idempotencyKey: 'c3:r9', path: '/v1/projects/herald-dev/messages:send' });
    expect(JSON.parse(got!.raw!)).toEqual({ message: { token: 'device-token-abc', notification: { title: 'Spring sale', body: '20% off today' }, webpush: { fcm_options: { link: 'https://shop.example/sale' } } } });
  });

  it('webhook: the JSON body arrives signed, and the sink verifies the signature with the shared secret', async () => {
    const body = JSON.stringify({ event: 'campaign.message', campaignId: 'c4', text: 'Grüße' });
    const result = await channels.get('webhook').send({ channel: 'webhook', idempotencyKey: 'c4:r1', to: `${base}/webhook/orders?tenant=7`, text: body });
    const [got] = sink.messages();
    expect(result).toEqual({ kind: 'accepted', providerId: got!.providerId });
    expect(got).toMatchObject({ channel: 'webhook', raw: body, idempotencyKey: 'c4:r1', signatureValid: true });

    const forged = createWebhookAdapter({ signingSecret: 'not-the-shared-secret' });
    const stale = createWebhookAdapter({ signingSecret: WEBHOOK_SECRET, now: () => Math.floor(Date.now() / 1000) - 3600 });
    try {
      expect(await forged.send({ channel: 'webhook', idempotencyKey: 'c4:r2', to: `${base}/webhook/orders`, text: body })).toMatchObject({ kind: 'permanent', code: 'invalid_signature' });
      expect(await stale.send({ channel: 'webhook', idempotencyKey: 'c4:r3', to: `${base}/webhook/orders`, text: body })).toMatchObject({ kind: 'permanent', code: 'invalid_signature', message: 'signature stale' });
    } finally {
      await Promise.all([forged.close(), stale.close()]);
    }
    expect(sink.stats()).toMatchObject({ accepted: 1, badSignatures: 2 });
    expect(await channels.get('webhook').send({ channel: 'webhook', idempotencyKey: 'x', to: 'ftp://example.com/x', text: '{}' })).toMatchObject({ kind: 'permanent', code: 'invalid_url' });
  });

  it('the same idempotency key twice is one message at the provider and a counted duplicate', async () => {
    const first = await channels.get('sms').send(sms({ idempotencyKey: 'c2:r7' }));
    const again = await channels.get('sms').send(sms({ idempotencyKey: 'c2:r7' }));
    expect(again).toEqual(first);
    expect(sink.messages()).toHaveLength(1);
    expect(sink.stats()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('maps provider faults: 500 retryable, 429 with Retry-After, rejected address permanent', async () => {
    sink.setFaults({ errorRate: 1 });
    expect(await channels.get('sms').send(sms())).toMatchObject({ kind: 'retryable', code: 'http_500', message: 'injected provider error' });
    sink.setFaults({ throttleNext: 1, retryAfterSeconds: 2 });
    expect(await channels.get('push').send({ channel: 'push', idempotencyKey: 'p1', to: 'tok', subject: 't', text: 'b' })).toEqual({ kind: 'retryable', code: 'http_429', message: 'Too Many Requests', retryAfterMs: 2000 });
    sink.setFaults({ rejectAddresses: ['+15550000000', 'dead-token'] });
    expect(await channels.get('sms').send(sms({ to: '+15550000000' }))).toMatchObject({ kind: 'permanent', code: '21211' });
    expect(await channels.get('push').send({ channel: 'push', idempotencyKey: 'p2', to: 'dead-token', subject: 't', text: 'b' })).toMatchObject({ kind: 'permanent' });
    expect((await channels.get('sms').send(sms())).kind).toBe('accepted');
    expect(sink.stats()).toMatchObject({ errors: 1, throttled: 1, rejected: 2, accepted: 1 });
  });

  it('a timeout is retryable, and the retry with the same key does not send twice', async () => {
    // undici's timers tick about every 500 ms: a 300 ms timeout fires within about a second.
    const slow = createTwilioAdapter({ channel: 'sms', baseUrl: base, accountSid: 'ACslow', authToken: 't', from: '+15005550006', timeoutMs: 300 });
    try {
      sink.setFaults({ latencyMs: 2500 });
      const started = Date.now();
      expect(await slow.send(sms({ idempotencyKey: 'slow-1' }))).toMatchObject({ kind: 'retryable', code: 'UND_ERR_HEADERS_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 2600 - (Date.now() - started))); // the provider took it after all
      sink.setFaults({});
      expect((await slow.send(sms({ idempotencyKey: 'slow-1' }))).kind).toBe('accepted');
      expect(sink.stats()).toMatchObject({ accepted: 1, duplicates: 1 });
    } finally {
      await slow.close();
    }
  });

  it('reports a provider that is down as retryable', async () => {
    const down = createTwilioAdapter({ channel: 'sms', baseUrl: `http://127.0.0.1:${await freePort()}`, accountSid: 'AC1', authToken: 't', from: '+15005550006' });
    try {
      expect(await down.send(sms())).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    } finally {
      await down.close();
    }
  });

  it('throws ChannelConfigError when the provider refuses Herald’s credentials', async () => {
    const guarded = await startHttpSink({
      port: await freePort(),
      extra: (req, res) => {
        if (req.headers.authorization === basic) return false;
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
        return true;
      },
    });
    const wrong = createTwilioAdapter({ channel: 'sms', baseUrl: `http://127.0.0.1:${guarded.port}`, accountSid: DEV_CREDENTIALS.TWILIO_ACCOUNT_SID, authToken: 'wrong', from: '+15005550006' });
    try {
      await expect(wrong.send(sms())).rejects.toThrow(ChannelConfigError);
      await expect(wrong.send(sms())).rejects.toThrow(/20003/);
    } finally {
      await wrong.close();
      await guarded.close();
    }
  });
});

describe('channel registry', () => {
  it('builds every channel against the sinks outside production', async () => {
    const channels = createChannels(configFor(2525, 4010));
    try {
      for (const c of ['email', 'sms', 'whatsapp', 'push', 'webhook'] as const) expect(channels.get(c).channel).toBe(c);
    } finally {
      await channels.closeAll();
    }
  });

  it('in production, a channel without credentials is unavailable and says which variables to set', async () => {
    const channels = createChannels(
      parseConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://relay.example:587', PROVIDER_HTTP_URL: 'https://api.provider.example', TRACKING_SECRET: 'a-long-enough-secret', JWT_SECRET: 'x'.repeat(32) }),
    );
    try {
      expect(channels.has('email')).toBe(true);
      expect(() => channels.get('sms')).toThrow(/TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/);
      expect(() => channels.get('push')).toThrow(ChannelConfigError);
      expect(() => channels.get('webhook')).toThrow(/WEBHOOK_SIGNING_SECRET/);
    } finally {
      await channels.closeAll();
    }
  });

  it('refuses half a credential pair at start-up, naming the missing variable', () => {
    expect(() => parseConfig({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/^TWILIO_AUTH_TOKEN: required when TWILIO_ACCOUNT_SID is set/);
    expect(() => parseConfig({ FCM_ACCESS_TOKEN: 'x' })).toThrow(/^FCM_PROJECT_ID/);
  });
});
