/**
 * E-mail over SMTP: a few long-lived connections to the relay (channels/smtp-pool.ts), each carrying
 * one message at a time, fed finished MIME buffers (channels/mime.ts; nodemailer's composer for
 * the unusual cases). The relay's replies become results: 5xx on the envelope or the data is
 * permanent (the same message would be refused again), 4xx and connection trouble are retryable.
 * SMTP has no idempotency: a connection lost after DATA may have delivered the message, and a
 * retry sends it again with the same Message-ID (receivers and the sink dedupe on it).
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { ChannelConfigError, ChannelUnavailableError } from './errors.ts';
import { buildMime } from './mime.ts';
import { createSmtpPool } from './smtp-pool.ts';
import type { ChannelAdapter, OutboundMessage, SendResult } from './types.ts';

export interface SmtpAdapterOptions {
  /** `smtp://[user:pass@]host:port` or `smtps://…`; query parameters are connection options (`?ignoreTLS=true`, `?tls.rejectUnauthorized=false`). */
  url: string;
  pool?: {
    /** Connections to the relay (default 10: ten beat five by 6–10 % in the benchmarks). */
    maxConnections?: number;
    /** Messages per connection before it is recycled (default unlimited: a reconnect costs a handshake). */
    maxMessages?: number;
  };
  /** Used when a message has no `from`. */
  defaultFrom?: { name?: string; address: string };
  /** Domain of generated Message-IDs when a message has none (default: the sender's domain). */
  messageIdDomain?: string;
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
  /** Passed to nodemailer: `true` logs SMTP traffic (development only). */
  debug?: boolean;
}

export function createSmtpAdapter(opts: SmtpAdapterOptions): ChannelAdapter {
  const { auth, ...fromUrl } = parseConnectionUrl(opts.url);
  const pool = createSmtpPool({
    connection: {
      ...fromUrl,
      connectionTimeout: opts.timeouts?.connectMs ?? 10_000,
      greetingTimeout: opts.timeouts?.greetingMs ?? 10_000,
      socketTimeout: opts.timeouts?.socketMs ?? 60_000,
      logger: opts.debug ?? false,
      debug: opts.debug ?? false,
    },
    ...(auth && (auth.user || auth.pass) ? { auth } : {}),
    maxConnections: opts.pool?.maxConnections ?? 10,
    maxMessages: opts.pool?.maxMessages ?? Infinity,
  });

  return {
    channel: 'email',
    async send(message: OutboundMessage): Promise<SendResult> {
      const from = message.from ?? opts.defaultFrom;
      if (!from) throw new ChannelConfigError('email', 'no From address: set message.from or defaultFrom');
      const messageId = message.messageId
        ? normalizeMessageId(message.messageId)
        : `<${idLeft(message.idempotencyKey)}@${opts.messageIdDomain ?? domainOf(from.address)}>`;
      if (/\s/.test(message.to)) return permanent('invalid_address', `not an e-mail address: ${JSON.stringify(message.to)}`);
      const subject = message.subject ?? '';
      // The envelope names the one recipient: nothing is derived from Cc/Bcc headers.
      const envelope = { from: from.address, to: [message.to] };
      try {
        // The fast builder does text and HTML only; attachments go through nodemailer's composer.
        const raw = (message.attachments?.length ? undefined : buildMime({ ...message, from, subject, messageId })) ?? (await compose(message, from, subject, messageId));
        const info = await pool.send(envelope, raw);
        if (info.rejected?.length) return permanent('smtp_rejected', `recipient rejected: ${String(info.rejected[0])}`);
        return { kind: 'accepted', providerId: queueId(info.response) ?? messageId };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    // Sends after close come back retryable ("SMTP connection pool was closed"), as a worker
    // shutting down mid-batch should see them; connections in use say QUIT after their message.
    close: async () => pool.close(),
  };
}

/** nodemailer's full composer, for what buildMime leaves to it (non-ASCII addresses, a named Reply-To, attachments). */
function compose(message: OutboundMessage, from: { name?: string; address: string }, subject: string, messageId: string): Promise<Buffer> {
  return new MailComposer({
    messageId,
    from: from.name ? { name: from.name, address: from.address } : from.address,
    to: message.to,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    subject,
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.headers ? { headers: message.headers } : {}),
    ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) } : {}),
  })
    .compile()
    .build();
}

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Exported for unit tests: nodemailer's error → a result (or a throw for misconfiguration). */
export function classifySmtpError(err: unknown): SendResult {
  const e = err as NodemailerError;
  const text = (e?.response ?? e?.message ?? String(err)).slice(0, 500);
  const status = e?.responseCode;
  if (e?.code === 'EAUTH' && status !== undefined && status >= 400 && status < 500) {
    // 454: the relay cannot check credentials right now. Nothing is wrong with Herald's settings.
    throw new ChannelUnavailableError('email', `SMTP relay could not log Herald in just now (${status}, temporary); the batch will be retried: ${text}`, { cause: err });
  }
  if (e?.code === 'EAUTH' || e?.code === 'ENOAUTH' || e?.code === 'ECONFIG') {
    throw new ChannelConfigError('email', `SMTP relay refused the configuration (${e.code}): ${text}`, { cause: err });
  }
  if (status !== undefined && status >= 500 && status < 600 && status !== 503) {
    // A refusal of this message (envelope or content): retrying it would get the same answer.
    if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return permanent(`smtp_${status}`, text);
    // 5xx at connection set-up (greeting, EHLO) is the relay refusing us, not this recipient.
    return retryable(`smtp_${status}`, text);
  }
  if (status !== undefined && status >= 400) return retryable(`smtp_${status}`, text);
  // An envelope nodemailer refused before talking to the relay: no usable recipient address.
  if (e?.code === 'EENVELOPE') return permanent('invalid_address', text);
  // Connection refused/reset/closed, timeouts, TLS and protocol trouble: the relay may be back later.
  return retryable(e?.code ?? 'smtp_error', text);
}

function permanent(code: string, message: string): SendResult {
  return { kind: 'permanent', code, message };
}
function retryable(code: string, message: string): SendResult {
  return { kind: 'retryable', code, message };
}

/** The caller's Message-ID, with angle brackets; a malformed one is a bug in the caller. */
function normalizeMessageId(id: string): string {
  const bare = id.trim().replace(/^<|>$/g, '');
  if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(bare) || /[<>]/.test(bare)) throw new TypeError(`invalid Message-ID ${JSON.stringify(id)}`);
  return `<${bare}>`;
}

/** An idempotency key as the left part of a Message-ID: letters, digits, - and _ kept, the rest =XX (one-to-one). */
function idLeft(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key)
    ? key
    : key.replace(/[^A-Za-z0-9_-]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1) : 'herald.local';
}

/** "250 2.0.0 Ok: queued as 4F1C92A0B3" → "4F1C92A0B3". */
function queueId(response: string | undefined): string | undefined {
  const m = response ? /queued as\s+(\S+)/i.exec(response) : null;
  return m?.[1];
}
