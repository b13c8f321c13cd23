/**
 * The e-mail baseline: a plain nodemailer pooled loop in its own process, no Temporal, no database.
 * Same pool size, same ~3.5 KB HTML + text message (name substituted per message, unique
 * Message-ID, the same List-Unsubscribe headers), `inFlight` sendMail calls outstanding.
 * env: PORT, COUNT, POOL, IN_FLIGHT, MODE. Reports { sent, failed, ms, cpuS } over IPC.
 *
 * MODE (what a message costs the sending client, same wire traffic each time):
 *   composer    (default) sendMail with html/text: nodemailer builds the MIME (the BENCHMARKS baseline)
 *   raw         sendMail with a finished MIME buffer from channels/mime.ts (what Herald's adapter does)
 *   connection  the same buffer straight to nodemailer's SMTPConnection, one per pool slot: no
 *               Mailer/MimeNode/stream pipeline per message
 */
import { createTransport } from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { buildMime } from '../../channels/mime.ts';
import { EMAIL_HTML, EMAIL_SUBJECT, EMAIL_TEXT, SENDER, renderPlain } from './content.ts';

const port = Number(process.env.PORT);
const count = Number(process.env.COUNT);
const pool = Number(process.env.POOL ?? 10);
const inFlight = Number(process.env.IN_FLIGHT ?? pool * 2);
const mode = process.env.MODE ?? 'composer';
const names = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James'];

const unsub = (i: number) => `http://localhost:3000/t/u/${Buffer.from(`raw-${i}-${'x'.repeat(40)}`).toString('base64url')}`;
const message = (i: number) => {
  const vars = { firstName: names[i % names.length]!, tier: 'gold', unsubscribeUrl: unsub(i), campaignName: 'Spring collection' };
  return {
    from: { name: SENDER.fromName, address: SENDER.fromEmail },
    to: `c${i}@bench.example`,
    replyTo: SENDER.replyTo,
    subject: renderPlain(EMAIL_SUBJECT, vars),
    html: renderPlain(EMAIL_HTML, vars),
    text: renderPlain(EMAIL_TEXT, vars),
    messageId: `<raw${i}.${process.pid}@bench>`,
    headers: { 'List-Unsubscribe': `<${vars.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
};

let next = 0;
let sent = 0;
let failed = 0;
let cpu0 = process.cpuUsage();
let t0 = performance.now();

if (mode === 'connection') {
  const conns = await Promise.all(
    Array.from({ length: pool }, async () => {
      const c = new SMTPConnection({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, socketTimeout: 60_000 });
      await new Promise<void>((resolve, reject) => {
        c.once('error', reject);
        c.connect(() => resolve());
      });
      return c;
    }),
  );
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      while (next < count) {
        const i = next++;
        const m = message(i);
        const raw = buildMime(m)!;
        try {
          await new Promise<void>((resolve, reject) => c.send({ from: m.from.address, to: [m.to] }, raw, (err) => (err ? reject(err) : resolve())));
          sent++;
        } catch {
          failed++;
        }
      }
    }),
  );
  for (const c of conns) c.quit();
} else {
  const transport = createTransport({ pool: true, host: '127.0.0.1', port, secure: false, ignoreTLS: true, maxConnections: pool, maxMessages: Infinity });
  const loop = async () => {
    while (next < count) {
      const i = next++;
      const m = message(i);
      try {
        if (mode === 'raw') await transport.sendMail({ envelope: { from: m.from.address, to: m.to }, raw: buildMime(m)!, messageId: m.messageId });
        else await transport.sendMail(m);
        sent++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  transport.close();
}
const ms = performance.now() - t0;
const c = process.cpuUsage(cpu0);
process.send?.({ type: 'done', sent, failed, ms, cpuS: (c.user + c.system) / 1e6 }, () => process.exit(0));
