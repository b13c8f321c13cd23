/**
 * A small pool of SMTP connections that sends finished MIME buffers. nodemailer's pooled transport
 * wraps every message in a Mailer, a MimeNode and a stream pipeline even when handed a raw buffer;
 * going straight to its `SMTPConnection` measured 6,174 messages/s against 3,334 through the
 * transport on the same machine (BENCHMARKS.md; listmonk's level). The protocol work (EHLO,
 * STARTTLS, AUTH, envelope, dot-stuffing, SMTPUTF8) stays nodemailer's.
 *
 * One message at a time per connection. A connection that fails at the socket or protocol level is
 * dropped and the next send opens a new one; a refusal of one message (EENVELOPE/EMESSAGE) resets
 * the session and keeps the connection, as nodemailer's own pool does. Errors are nodemailer's, so
 * the caller classifies them the same way.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPConnectionSendInfo, SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';

export interface SmtpPoolOptions {
  connection: SMTPConnectionOptions;
  auth?: { user: string; pass: string };
  maxConnections: number;
  /** Messages per connection before it is replaced. */
  maxMessages: number;
}

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

interface Slot {
  conn: SMTPConnection;
  messages: number;
  /** Closed, failed or ended by the server: never handed out again. */
  dead: boolean;
  /** Still counted against maxConnections. */
  counted: boolean;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (err: unknown) => void;
}

export interface SmtpPool {
  send(envelope: SmtpEnvelope, raw: Buffer): Promise<SMTPConnectionSendInfo>;
  close(): void;
}

export function createSmtpPool(opts: SmtpPoolOptions): SmtpPool {
  const idle: Slot[] = [];
  const waiters: Waiter[] = [];
  let open = 0;
  let closed = false;

  const closedError = () => Object.assign(new Error('SMTP connection pool was closed'), { code: 'ECONNECTION' });

  /** Frees the slot's place in the pool once; a waiting sender then gets a new connection. */
  function forget(slot: Slot) {
    slot.dead = true;
    if (!slot.counted) return;
    slot.counted = false;
    open--;
    const i = idle.indexOf(slot);
    if (i >= 0) idle.splice(i, 1);
    const waiter = waiters.shift();
    if (waiter) connect().then(waiter.resolve, waiter.reject);
  }

  function connect(): Promise<Slot> {
    open++;
    const conn = new SMTPConnection(opts.connection);
    const slot: Slot = { conn, messages: 0, dead: false, counted: true };
    // Without a listener an 'error' would crash the worker; the send in progress (if any) gets the
    // same error through its callback.
    conn.on('error', () => forget(slot));
    conn.once('end', () => forget(slot));
    return new Promise<Slot>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        forget(slot);
        conn.close();
        reject(err);
      };
      const ended = () => fail(Object.assign(new Error('the relay closed the connection before it was ready'), { code: 'ECONNECTION' }));
      conn.once('error', fail);
      conn.once('end', ended);
      const ready = () => {
        if (closed) return fail(closedError());
        if (settled) return;
        settled = true;
        conn.removeListener('error', fail);
        conn.removeListener('end', ended);
        resolve(slot);
      };
      conn.connect((err) => {
        if (err) return fail(err);
        if (!opts.auth || !conn.allowsAuth) return ready();
        conn.login({ user: opts.auth.user, pass: opts.auth.pass }, (loginErr) => (loginErr ? fail(loginErr) : ready()));
      });
    });
  }

  function acquire(): Promise<Slot> {
    if (closed) return Promise.reject(closedError());
    for (let slot = idle.pop(); slot; slot = idle.pop()) if (!slot.dead) return Promise.resolve(slot);
    if (open < opts.maxConnections) return connect();
    return new Promise<Slot>((resolve, reject) => waiters.push({ resolve, reject }));
  }

  function release(slot: Slot) {
    if (slot.dead) return forget(slot);
    if (closed || slot.messages >= opts.maxMessages) {
      forget(slot);
      slot.conn.quit();
      return;
    }
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(slot);
    else idle.push(slot);
  }

  return {
    async send(envelope, raw) {
      const slot = await acquire();
      return new Promise<SMTPConnectionSendInfo>((resolve, reject) => {
        slot.conn.send(envelope, raw, (err, info) => {
          slot.messages++;
          if (!err) {
            release(slot);
            return resolve(info!);
          }
          const e = err as { code?: string; responseCode?: number };
          if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421 && !slot.dead) {
            // This message was refused; the session is fine once reset.
            slot.conn.reset((resetErr) => {
              if (resetErr) {
                slot.dead = true;
                slot.conn.close();
              }
              release(slot);
            });
          } else {
            slot.dead = true;
            slot.conn.close();
            release(slot);
          }
          reject(err);
        });
      });
    },
    close() {
      if (closed) return;
      closed = true;
      for (const w of waiters.splice(0)) w.reject(closedError());
      for (const slot of idle.splice(0)) {
        forget(slot);
        slot.conn.quit();
      }
    },
  };
}
