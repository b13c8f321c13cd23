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
  /** How many recent messages keep their full text (the rest keep only their envelope counters); 0 keeps only counters. */
  keep?: number;
  /** Recipients refused at RCPT TO with `550 5.1.1` (mailbox unavailable): a permanent failure. */
  rejectRecipients?: string[];
  /** Recipients refused at RCPT TO with `451 4.3.0` (try again later): a transient failure. */
  deferRecipients?: string[];
}

export interface SmtpSinkFaults {
  rejectRecipients?: string[];
  deferRecipients?: string[];
}

export interface SmtpSink {
  port: number;
  messages: () => CapturedMail[];
  stats: () => { received: number; uniqueMessageIds: number; duplicateMessageIds: number; rejectedRecipients: number; deferredRecipients: number; connectionErrors: number };
  /** Replaces the recipient faults given at start. */
  setFaults: (faults: SmtpSinkFaults) => void;
  reset: () => void;
  close: () => Promise<void>;
}

export async function startSmtpSink(opts: SmtpSinkOptions): Promise<SmtpSink> {
  const keep = opts.keep ?? 1000;
  let recent: CapturedMail[] = [];
  let received = 0;
  let duplicates = 0;
  let rejected = 0;
  let deferred = 0;
  const seenIds = new Set<string>();
  let rejectSet = new Set((opts.rejectRecipients ?? []).map((a) => a.toLowerCase()));
  let deferSet = new Set((opts.deferRecipients ?? []).map((a) => a.toLowerCase()));

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const rcpt = address.address.toLowerCase();
      if (rejectSet.has(rcpt)) {
        rejected += 1;
        return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: mailbox unavailable`), { responseCode: 550 }));
      }
      if (deferSet.has(rcpt)) {
        deferred += 1;
        return callback(Object.assign(new Error(`4.3.0 <${address.address}>: try again later`), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received += 1;
        // Only the header block: a body line starting with "Message-ID:" is not the header.
        const headerEnd = raw.indexOf('\r\n\r\n');
        const found = /^Message-ID:\s*(<[^>]+>)/im.exec(headerEnd >= 0 ? raw.slice(0, headerEnd) : raw)?.[1];
        // A copy, not the match: V8 keeps a matched substring as a slice of the whole message text, so
        // remembering it for duplicate detection kept every message alive (~2.4 kB each; the sink ran
        // out of its 4 GB heap about 1.4 M messages into the 1 M-recipient benchmark).
        const messageId = found === undefined ? undefined : Buffer.from(found, 'utf8').toString('utf8');
        if (messageId) {
          if (seenIds.has(messageId)) duplicates += 1;
          else seenIds.add(messageId);
        }
        if (keep > 0) recent.push({
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

  let connectionErrors = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      // A client that vanishes mid-session (a killed worker) resets its connection: count it,
      // never let it take the sink down.
      server.on('error', () => {
        connectionErrors += 1;
      });
      resolve();
    });
  });
  const addr = server.server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : opts.port,
    messages: () => (keep > 0 ? recent.slice(-keep) : []),
    stats: () => ({ received, uniqueMessageIds: seenIds.size, duplicateMessageIds: duplicates, rejectedRecipients: rejected, deferredRecipients: deferred, connectionErrors }),
    setFaults: (faults) => {
      rejectSet = new Set((faults.rejectRecipients ?? []).map((a) => a.toLowerCase()));
      deferSet = new Set((faults.deferRecipients ?? []).map((a) => a.toLowerCase()));
    },
    reset: () => {
      recent = [];
      received = 0;
      duplicates = 0;
      rejected = 0;
      deferred = 0;
      seenIds.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
