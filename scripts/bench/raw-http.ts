/**
 * The HTTP baseline: a plain `undici.request` loop in its own process (no Temporal, no database)
 * over `CONNECTIONS` keep-alive connections, posting the same Twilio-form body Herald's SMS adapter
 * sends (basic auth, a unique Idempotency-Key per message).
 * env: ORIGIN, COUNT, CONNECTIONS, IN_FLIGHT. Reports { sent, failed, ms, cpuS } over IPC.
 */
import { Agent } from 'undici';
import { SENDER, SMS_BODY, renderPlain } from './content.ts';

const origin = process.env.ORIGIN!;
const count = Number(process.env.COUNT);
const connections = Number(process.env.CONNECTIONS ?? 10);
const inFlight = Number(process.env.IN_FLIGHT ?? connections);
const names = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James'];
const sid = 'AC00000000000000000000000000000000';
const path = `/2010-04-01/Accounts/${sid}/Messages.json`;
const authorization = `Basic ${Buffer.from(`${sid}:herald-dev-auth-token`).toString('base64')}`;
const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });

let next = 0;
let sent = 0;
let failed = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
async function loop() {
  while (next < count) {
    const i = next++;
    const body = new URLSearchParams({
      To: `+1555${String(i).padStart(7, '0')}`,
      From: SENDER.smsFrom,
      Body: renderPlain(SMS_BODY, { firstName: names[i % names.length]!, tier: 'gold', unsubscribeUrl: '', campaignName: '' }),
    }).toString();
    const key = `raw-${process.pid}-${i}`;
    try {
      const res = await agent.request({
        origin,
        path,
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'idempotency-key': key, 'i-twilio-idempotency-token': key },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300 && text.includes('"sid"')) sent++;
      else failed++;
    } catch {
      failed++;
    }
  }
}
await Promise.all(Array.from({ length: inFlight }, loop));
const ms = performance.now() - t0;
const c = process.cpuUsage(cpu0);
await agent.close();
process.send?.({ type: 'done', sent, failed, ms, cpuS: (c.user + c.system) / 1e6 }, () => process.exit(0));
