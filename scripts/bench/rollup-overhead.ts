/**
 * What the rollup triggers cost the hot write paths, measured as an A/B in one database: the same
 * statements with Herald's rollup triggers enabled and disabled (ALTER TABLE … DISABLE TRIGGER),
 * interleaved round by round so drift on a shared machine hits both sides alike:
 *   send write   sendBatch's outcome UPDATE of 1 000 recipients (sent_at set: sends and cost)
 *   tracking     recordHits, a batch of 200 hits (70 % opens, 30 % clicks, first and repeat)
 *   snapshot     INSERT of 10 000 pending recipients (counts nothing, pays the transition table)
 * Other triggers on these tables (outbound webhooks, budget overrun) stay on in both arms.
 * Called by bench-analytics.ts --overhead.
 */
import type pg from 'pg';
import type { Knex } from '@mikro-orm/postgresql';
import { recordHits, type Hit } from '../../db/repositories/tracking-events.ts';

const MINE = [
  ['campaign_recipients', 'campaign_recipients_rollup_insert'],
  ['campaign_recipients', 'campaign_recipients_rollup_update'],
  ['message_events', 'message_events_rollup_insert'],
] as const;

async function setTriggers(db: pg.Client, on: boolean): Promise<void> {
  for (const [table, trigger] of MINE) await db.query(`alter table "${table}" ${on ? 'enable' : 'disable'} trigger ${trigger}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function measureOverhead(db: pg.Client, sql: Knex, companyId: string, rounds = 12): Promise<void> {
  const campaign = (
    await db.query(
      `insert into campaigns (company_id, code, name, type, primary_channel, channels, status, start_at, end_at, currency, created_by_id)
       values ($1, 'OVERHEAD', 'Overhead', 'promotional', 'email', '{email}', 'sending', now(), now() + interval '7 days', 'USD', (select id from users where company_id = $1 limit 1)) returning id`,
      [companyId],
    )
  ).rows[0].id as string;
  await db.query(`insert into tracked_links (campaign_id, variant, idx, company_id, url) select $1, '', i, $2, 'https://bench.example/' || i from generate_series(0, 2) i`, [campaign, companyId]);
  let seq = 0;
  const snapshot = async (n: number) => {
    const t0 = performance.now();
    await db.query(
      `insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, status)
       select $1, $2, k.id, 'email', $3::int + k.rn, k.email, 'pending' from bench_contacts k where k.rn <= $4`,
      [companyId, campaign, seq, n],
    );
    seq += n;
    return performance.now() - t0;
  };
  const times: Record<string, Record<'on' | 'off', number[]>> = { 'send write (1 000 rows)': { on: [], off: [] }, 'tracking (200 hits)': { on: [], off: [] }, 'snapshot (10 000 rows)': { on: [], off: [] } };
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      await setTriggers(db, mode === 'on');
      // A fresh slice of recipients: one unique constraint per (campaign, contact), so each round gets its own campaign rows.
      await db.query(`delete from campaign_recipients where campaign_id = $1`, [campaign]);
      times['snapshot (10 000 rows)']![mode].push(await snapshot(10_000));
      const ids = (await db.query(`select id from campaign_recipients where campaign_id = $1 order by seq limit 5000`, [campaign])).rows.map((r) => Number(r.id));
      for (let i = 0; i < 5; i++) {
        const chunk = ids.slice(i * 1000, (i + 1) * 1000).map((id) => ({ id, status: 'sent', pid: `p-${id}`, reason: null, error: null }));
        const t0 = performance.now();
        await db.query(
          `update campaign_recipients r set status = u.status, provider_message_id = u.pid, reason = u.reason, error = u.error,
             sent_at = case when u.status = 'sent' then now() - interval '1 minute' else r.sent_at end, updated_at = now()
           from jsonb_to_recordset($1::jsonb) as u(id bigint, status text, pid text, reason text, error text) where r.id = u.id`,
          [JSON.stringify(chunk)],
        );
        times['send write (1 000 rows)']![mode].push(performance.now() - t0);
      }
      for (let i = 0; i < 10; i++) {
        const hits: Hit[] = Array.from({ length: 200 }, (_, j) => {
          const rid = ids[(i * 200 + j * 7) % ids.length]!;
          return j % 10 < 7
            ? { kind: 'o' as const, recipientId: rid, automated: false, agent: 'bench', at: new Date() }
            : { kind: 'c' as const, recipientId: rid, link: j % 3, automated: false, agent: 'bench', at: new Date() };
        });
        const t0 = performance.now();
        await recordHits(sql, hits, 30);
        times['tracking (200 hits)']![mode].push(performance.now() - t0);
      }
    }
  }
  await setTriggers(db, true);
  console.log(`\nrollup trigger overhead on the write paths (A/B in one database, ${rounds} interleaved rounds, median per statement):`);
  for (const [name, t] of Object.entries(times)) {
    const on = median(t.on);
    const off = median(t.off);
    console.log(`  ${name.padEnd(26)} with ${on.toFixed(2).padStart(8)} ms   without ${off.toFixed(2).padStart(8)} ms   +${(on - off).toFixed(2)} ms (${(((on - off) / off) * 100).toFixed(0)} %)`);
  }
}
