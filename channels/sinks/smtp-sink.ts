/**
 * A real SMTP server that accepts every message and keeps it: the development and test stand-in for
 * a mail relay. It speaks SMTP (via `smtp-server`), so Herald's email channel goes over the wire
 * exactly as it would to a real relay.
 */
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  id: number;
  from: string;
  to: string[];
  size: number;
  receivedAt: string;
  /** Raw RFC 5322 message; only the most recent `keep` messages keep theirs. */
  raw?: string;
  messageId?: string;
}

export interface SmtpSinkOptions {
  port: number;
  host?: string;
  /** How many recent messages keep their full text (the rest keep only their envelope counters). */
  keep?: number;
}

export interface SmtpSink {
  port: number;
  messages: () => CapturedMail[];
  stats: () => { received: number; uniqueMessageIds: number; duplicateMessageIds: number };
  reset: () => void;
  close: () => Promise<void>;
}

export async function startSmtpSink(opts: SmtpSinkOptions): Promise<SmtpSink> {
  const keep = opts.keep ?? 1000;
  let recent: CapturedMail[] = [];
  let received = 0;
  let duplicates = 0;
  const seenIds = new Set<string>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received += 1;
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1];
        if (messageId) {
          if (seenIds.has(messageId)) duplicates += 1;
          else seenIds.add(messageId);
        }
        recent.push({
          id: received,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          size: raw.length,
          receivedAt: new Date().toISOString(),
          raw,
          ...(messageId ? { messageId } : {}),
        });
        if (recent.length > keep * 2) recent = recent.slice(-keep);
        callback(null, `queued as ${received}`);
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : opts.port,
    messages: () => recent.slice(-keep),
    stats: () => ({ received, uniqueMessageIds: seenIds.size, duplicateMessageIds: duplicates }),
    reset: () => {
      recent = [];
      received = 0;
      duplicates = 0;
      seenIds.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
