/**
 * bench:analytics `--fx`: what converting money into the company's currency costs a read. Half the
 * bench company's campaigns are put in EUR with a EUR rate every 7 days over the data's span, and
 * the company questions (per campaign, per day over 90 days, per channel) are timed converted; then
 * every campaign goes back to the company's currency and the same questions are timed as stored,
 * which is the baseline the converted figures are printed beside. Before timing, each converted
 * answer must equal the same sums with each row's rate looked up on its own (the slow, plain
 * definition), to the last digit.
 */
import type pg from 'pg';
import type { Knex } from '@mikro-orm/postgresql';
import { readFacts, type FactDimension, type FactFilter } from '../../db/repositories/analytics.ts';

const ms = (t: number) => `${t.toFixed(1)} ms`;

function stats(times: number[]): { p50: number; p95: number } {
  const s = [...times].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}

/** The converted money of `groupBy` (campaign, day or channel), each rollup row's rate looked up on its own. */
async function reference(db: pg.Client, companyId: string, groupBy: 'campaign' | 'day' | 'channel', from?: string, to?: string): Promise<Map<string, string>> {
  const key = { campaign: 'm.campaign_id::text', day: `to_char(m.period_start, 'YYYY-MM-DD')`, channel: 'm.channel' }[groupBy];
  const res = await db.query(
    `select ${key} as k, coalesce(sum(m.revenue * f.factor), 0)::numeric(20,4)::text as revenue,
            (coalesce(sum(m.cost * f.factor), 0) + sum(m.message_cost))::numeric(20,4)::text as cost
       from campaign_performance_metrics m join campaigns c on c.id = m.campaign_id join companies co on co.id = m.company_id
       cross join lateral (select case when c.currency = co.currency then 1::numeric else (select r.rate from exchange_rates r
                             where r.company_id = m.company_id and r.currency = c.currency and r.effective_from <= m.period_start order by r.effective_from desc limit 1) end as factor) f
      where m.company_id = $1 and m.period = 'day' and m.user_id is null and m.team_id is null
        and ($2::date is null or m.period_start >= $2::date) and ($3::date is null or m.period_start <= $3::date)
      group by 1`,
    [companyId, from ?? null, to ?? null],
  );
  return new Map(res.rows.map((r: { k: string; revenue: string; cost: string }) => [r.k, `${r.revenue}/${r.cost}`]));
}

export async function measureConversion(db: pg.Client, sql: Knex, companyId: string, runs: number): Promise<boolean> {
  const span = (await db.query(`select min(period_start)::text as first, max(period_start)::text as last from campaign_performance_metrics where company_id = $1`, [companyId])).rows[0];
  await db.query(`update companies set supported_currencies = '{USD,EUR}' where id = $1`, [companyId]);
  const half = await db.query(`update campaigns set currency = 'EUR' where company_id = $1 and (hashtext(code) & 1) = 0`, [companyId]);
  // A rate every 7 days (1.0500, 1.0600, … 1.1400, again): a day between takes the latest before it.
  await db.query(
    `insert into exchange_rates (company_id, currency, rate, effective_from)
     select $1, 'EUR', 1.05 + (i % 10) / 100.0, $2::date + i * 7 from generate_series(0, ($3::date - $2::date) / 7) i`,
    [companyId, span.first, span.last],
  );
  const rows = Number((await db.query(`select count(*) as n from campaign_performance_metrics where company_id = $1`, [companyId])).rows[0].n);
  console.log(`\nconversion: ${half.rowCount} of the campaigns in EUR, EUR rates every 7 days from ${span.first} to ${span.last}; ${rows.toLocaleString('en')} rollup rows`);

  const questions: { name: string; filter: FactFilter; groupBy: 'campaign' | 'day' | 'channel' }[] = [
    { name: 'per campaign (all time)', filter: { companyId }, groupBy: 'campaign' },
    { name: 'per day (90 days)', filter: { companyId, from: '2026-07-01', to: '2026-09-28' }, groupBy: 'day' },
    { name: 'per channel (all time)', filter: { companyId }, groupBy: 'channel' },
  ];
  let exact = true;
  for (const q of questions) {
    const got = await readFacts(sql, q.filter, [q.groupBy as FactDimension]);
    const want = await reference(db, companyId, q.groupBy, q.filter.from, q.filter.to);
    const bad = got.filter((r) => want.get(r.keys[q.groupBy] ?? '') !== `${r.revenue}/${r.cost}`);
    if (bad.length || got.length !== want.size) {
      exact = false;
      console.log(`INEXACT: ${q.name}: ${bad.length} of ${got.length} groups differ from the per-row rate (e.g. ${JSON.stringify(bad[0]?.keys)} ${bad[0]?.revenue}/${bad[0]?.cost} vs ${want.get(bad[0]?.keys[q.groupBy] ?? '')})`);
    }
  }
  if (exact) console.log('check: every converted group equals the sums with each row converted at its own day\'s rate');

  const time = async () => {
    const out: { p50: number; p95: number }[] = [];
    for (const q of questions) {
      await readFacts(sql, q.filter, [q.groupBy as FactDimension]); // warm-up
      const t: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await readFacts(sql, q.filter, [q.groupBy as FactDimension]);
        t.push(performance.now() - t0);
      }
      out.push(stats(t));
    }
    return out;
  };
  const converted = await time();
  await db.query(`update campaigns set currency = 'USD' where company_id = $1 and currency = 'EUR'`, [companyId]);
  const stored = await time();
  await db.query(`delete from exchange_rates where company_id = $1`, [companyId]);
  console.log(`${'company read'.padEnd(26)}${'converted p50'.padStart(15)}${'p95'.padStart(10)}${'as stored p50'.padStart(15)}${'p95'.padStart(10)}${'ratio p50'.padStart(11)}   runs`);
  questions.forEach((q, i) => {
    const c = converted[i]!;
    const s = stored[i]!;
    console.log(`${q.name.padEnd(26)}${ms(c.p50).padStart(15)}${ms(c.p95).padStart(10)}${ms(s.p50).padStart(15)}${ms(s.p95).padStart(10)}${`${(c.p50 / s.p50).toFixed(2)}×`.padStart(11)}   ${runs}`);
  });
  return exact;
}
