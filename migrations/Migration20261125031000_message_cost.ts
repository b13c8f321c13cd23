import { Migration } from '@mikro-orm/migrations';

/**
 * Per-message channel cost (companies.channel_costs) is priced in the company's currency, but the
 * recipients trigger added it to the rollups' `cost`, which is in the campaign's currency: a EUR
 * campaign of a USD company mixed USD message costs into its EUR spend, and the company views then
 * multiplied the whole by the EUR rate. Message cost now has its own rollup column, `message_cost`,
 * in the company's currency, so company views add it as it is and only the campaign's own page and
 * campaigns.actual_spend (both in the campaign's currency) convert it, at the rate of its day.
 *
 * Kept apart rather than converted when written because the send path then does exactly the work it
 * did before (the recipients trigger's delta is unchanged; only the column it lands in differs), the
 * tracking path is untouched, a rate set later for earlier days still applies with nothing to
 * re-roll, and a day without a rate loses nothing. actual_spend converts per campaign, only for a
 * campaign in another currency, and is recomputed when the company's rates of that currency change.
 *
 * Existing rows are split exactly: cost keeps what spend entries and tracked-channel spend put
 * there (recomputed from those facts by the same keys), message_cost gets the rest, so past message
 * costs keep the channel prices they were sent at.
 */

const BIG = [
  'sent', 'delivered', 'failed', 'bounces', 'complaints', 'unsubscribes', 'opens', 'unique_opens', 'clicks', 'unique_clicks',
  'impressions', 'reach', 'leads', 'qualified_leads', 'opportunities', 'conversions', 'orders',
] as const;
const MONEY = ['conversion_revenue', 'order_revenue', 'cost'] as const;
const COUNTERS = [...BIG, ...MONEY];
const TABLES = ['campaign_performance_metrics', 'campaign_region_metrics', 'campaign_retailer_metrics'] as const;

/** campaigns.actual_spend of `ids`: spend in the campaign's currency plus message cost converted at its day's rate (left out without one). */
const SPEND_FN = `create or replace function herald_campaign_spend(ids uuid[]) returns void language sql as $$
  update campaigns c set actual_spend = t.spend
    from (select m.campaign_id, round(sum(m.cost) + coalesce(sum(case when m.message_cost = 0 or cp.currency = co.currency then m.message_cost
                   else m.message_cost / (select r.rate from exchange_rates r where r.company_id = m.company_id and r.currency = cp.currency and r.effective_from <= m.period_start
                                           order by r.effective_from desc limit 1) end), 0), 4) as spend
            from campaign_performance_metrics m join campaigns cp on cp.id = m.campaign_id join companies co on co.id = cp.company_id
           where m.campaign_id = any(ids) and m.period = 'day'
           group by m.campaign_id) t
   where c.id = t.campaign_id and c.actual_spend is distinct from t.spend
$$`;

const PREVIOUS_SPEND = `update campaigns c set actual_spend = t.cost
      from (select campaign_id, sum(cost) as cost from campaign_performance_metrics where campaign_id = any(costly) and period = 'day' group by campaign_id) t
     where c.id = t.campaign_id and c.actual_spend is distinct from t.cost`;

const keySource: Record<string, string> = { period_start: 'day', contact_id: 'retailer' };

/** The upsert of migrations/…_analytics_rollups.ts, with the delta's cost written to `costColumn`. */
function upsertInto(costColumn: string, table: string, keyCols: string[], conflict: string, extra: Record<string, string> = {}, where = ''): string {
  const src = keyCols.map((k) => keySource[k] ?? k).join(', ');
  const target = COUNTERS.map((c) => (c === 'cost' ? costColumn : c));
  const set = [...target, 'revenue'].map((c) => `${c} = m.${c} + excluded.${c}`);
  const extraCols = Object.keys(extra);
  const kept = extraCols.filter((c) => c === 'updated_at' || c === 'region').map((c) => `, ${c} = excluded.${c}`);
  return `insert into ${table} as m (company_id, campaign_id, ${keyCols.join(', ')}, ${extraCols.map((c) => `${c}, `).join('')}${target.join(', ')}, revenue)
    select company_id, campaign_id, ${src}, ${Object.values(extra).map((v) => `${v}, `).join('')}${COUNTERS.map((c) => `sum(${c})`).join(', ')}, sum(conversion_revenue) + sum(order_revenue)
      from unnest(d) ${where}
     group by company_id, campaign_id, ${src}
     order by campaign_id, ${src}
    on conflict ${conflict} do update set ${set.join(', ')}${kept.join('')}`;
}

/** herald_rollup_apply (`cost`: spend in the campaign's currency) or herald_rollup_apply_messages (`message_cost`: the company's). */
function apply(name: string, costColumn: string, spend: string): string {
  return `create or replace function ${name}(d herald_rollup_delta[]) returns void language plpgsql as $$
declare costly uuid[];
begin
  if coalesce(cardinality(d), 0) = 0 then return; end if;
  select array_agg(distinct x.campaign_id order by x.campaign_id) into costly from unnest(d) x where x.cost <> 0;
  -- Lock order everywhere: the campaign rows (by id), then rollup rows in key order.
  if costly is not null then
    perform 1 from campaigns where id = any(costly) order by id for no key update;
  end if;
  ${upsertInto(costColumn, 'campaign_performance_metrics', ['channel', 'variant', 'period_start'], '(campaign_id, period, period_start, channel, variant, user_id, team_id)', {
    period: `'day'`,
    period_end: 'day',
    updated_at: 'now()',
  })};
  ${upsertInto(costColumn, 'campaign_region_metrics', ['channel', 'region', 'day'], '(campaign_id, channel, region, day)')};
  ${upsertInto(costColumn, 'campaign_retailer_metrics', ['contact_id', 'channel', 'day'], '(campaign_id, contact_id, channel, day)', { region: 'max(region)' }, 'where retailer is not null')};
  if costly is not null then
    ${spend};
  end if;
end $$`;
}

function deltas(keys: string[], values: Partial<Record<(typeof COUNTERS)[number], string>>, from: string): string {
  const agg = COUNTERS.map((c) => (values[c] ? `sum(sgn * (${values[c]}))::${MONEY.includes(c as never) ? 'numeric' : 'bigint'}` : `0::${MONEY.includes(c as never) ? 'numeric' : 'bigint'}`));
  const nonZero = Object.values(values).map((v) => `sum(sgn * (${v})) <> 0`).join(' or ');
  return `array(select row(q.*)::herald_rollup_delta from (
    select ${keys.join(', ')}, ${agg.join(', ')}
    ${from}
    group by 1, 2, 3, 4, 5, 6, 7
    having ${nonZero}) q)`;
}

const RETAILER = `case when k.attributes @> '{"retailer": true}' then k.id end`;

/** The recipients' delta of migrations/…_analytics_rollups.ts, unchanged: its `cost` is the message cost. */
function recipientDeltas(rel: string): string {
  return deltas(
    ['r.company_id', 'r.campaign_id', 'r.channel::text', `coalesce(r.variant, '')`, `coalesce(k.region, '')`, RETAILER, '(v.at at time zone co.time_zone)::date'],
    { sent: 'v.sent', delivered: 'v.delivered', failed: 'v.failed', cost: 'v.cost' },
    `from ${rel} r
     join companies co on co.id = r.company_id
     left join contacts k on k.id = r.contact_id
     cross join lateral (values (r.sent_at, 1, 0, 0, coalesce((co.channel_costs ->> r.channel::text)::numeric, 0)),
                                (r.delivered_at, 0, 1, 0, 0::numeric),
                                (case when r.status = 'failed' then coalesce(r.sent_at, r.updated_at, r.created_at) end, 0, 0, 1, 0::numeric)
     ) v(at, sent, delivered, failed, cost)
     where v.at is not null`,
  );
}
const COUNTED_RECIPIENT = `(x.sent_at is not null or x.delivered_at is not null or x.status = 'failed')`;
const RECIPIENT_CHANGED = `n.sent_at is distinct from o.sent_at or n.delivered_at is distinct from o.delivered_at
  or (n.status = 'failed') is distinct from (o.status = 'failed')
  or (n.status = 'failed' and coalesce(n.sent_at, n.updated_at, n.created_at) is distinct from coalesce(o.sent_at, o.updated_at, o.created_at))
  or n.variant is distinct from o.variant or n.contact_id <> o.contact_id or n.channel <> o.channel or n.campaign_id <> o.campaign_id or n.company_id <> o.company_id`;

function recipientsFunction(applyFn: string): string {
  const body = recipientDeltas;
  return `create or replace function herald_rollup_recipients() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    perform ${applyFn}(${body(`(select 1 as sgn, x.* from n x where ${COUNTED_RECIPIENT})`)});
  elsif TG_OP = 'DELETE' then
    perform ${applyFn}(${body(`(select -1 as sgn, x.* from o x where ${COUNTED_RECIPIENT})`)});
  else
    perform ${applyFn}(${body(`(with ch as (select n.id from n join o on o.id = n.id where ${RECIPIENT_CHANGED})
    select 1 as sgn, x.* from n x where x.id in (select id from ch) and ${COUNTED_RECIPIENT}
    union all
    select -1 as sgn, x.* from o x where x.id in (select id from ch) and ${COUNTED_RECIPIENT})`)});
  end if;
  return null;
end $$`;
}

/** A rate set, changed or removed re-prices the message cost in actual_spend of that currency's campaigns. */
const RATES_FN = `create or replace function herald_rates_spend() returns trigger language plpgsql as $$
declare ids uuid[];
begin
  -- Each branch names only the transition tables its event has.
  if TG_OP = 'INSERT' then
    select array_agg(c.id order by c.id) into ids from campaigns c where (c.company_id, c.currency) in (select company_id, currency from n);
  elsif TG_OP = 'DELETE' then
    select array_agg(c.id order by c.id) into ids from campaigns c where (c.company_id, c.currency) in (select company_id, currency from o);
  else
    select array_agg(c.id order by c.id) into ids from campaigns c
     where (c.company_id, c.currency) in (select company_id, currency from n union select company_id, currency from o);
  end if;
  if ids is not null then
    perform 1 from campaigns where id = any(ids) order by id for no key update;
    perform herald_campaign_spend(ids);
  end if;
  return null;
end $$`;

/** Rows of `table` split into campaign-currency cost (spend entries and tracked spend by the same key) and the rest, message cost. */
function split(table: (typeof TABLES)[number]): string {
  if (table === 'campaign_retailer_metrics') return `update campaign_retailer_metrics set message_cost = cost, cost = 0 where cost <> 0`;
  const day = table === 'campaign_performance_metrics' ? 'period_start' : 'day';
  const other = table === 'campaign_performance_metrics' ? 'variant' : 'region';
  const only = table === 'campaign_performance_metrics' ? ` and m.period = 'day' and m.user_id is null and m.team_id is null` : '';
  return `update ${table} m set message_cost = m.cost - coalesce(s.cost, 0), cost = coalesce(s.cost, 0)
      from (select m.id, (select sum(x.cost) from (
                select v.amount as cost from spend_entries v join campaigns cp on cp.id = v.campaign_id
                 where v.campaign_id = m.campaign_id and coalesce(v.channel, cp.primary_channel::text) = m.channel and v.incurred_on = m.${day}
                union all
                select v.spend from campaign_channel_metrics v where v.campaign_id = m.campaign_id and v.channel = m.channel and v.day = m.${day}) x) as cost
              from ${table} m where m.cost <> 0 and m.${other} = ''${only}) s
     where m.id = s.id`;
}

export class Migration20261125031000_message_cost extends Migration {
  override async up(): Promise<void> {
    for (const t of TABLES) this.addSql(`alter table "${t}" add column "message_cost" numeric(20,4) not null default 0;`);
    for (const t of TABLES) {
      // Rows with a variant or a region hold no spend entry or tracked spend: all their cost is message cost.
      const keyed = t === 'campaign_performance_metrics' ? `variant <> ''` : t === 'campaign_region_metrics' ? `region <> ''` : null;
      if (keyed) this.addSql(`update ${t} set message_cost = cost, cost = 0 where cost <> 0 and ${keyed};`);
      this.addSql(`${split(t)};`);
    }
    this.addSql(`${SPEND_FN};`);
    this.addSql(`${apply('herald_rollup_apply', 'cost', 'perform herald_campaign_spend(costly)')};`);
    this.addSql(`${apply('herald_rollup_apply_messages', 'message_cost', 'perform herald_campaign_spend(costly)')};`);
    this.addSql(`${recipientsFunction('herald_rollup_apply_messages')};`);
    this.addSql(`${RATES_FN};`);
    this.addSql(`create trigger exchange_rates_spend_insert after insert on "exchange_rates" referencing new table as n for each statement execute function herald_rates_spend();`);
    this.addSql(`create trigger exchange_rates_spend_update after update on "exchange_rates" referencing old table as o new table as n for each statement execute function herald_rates_spend();`);
    this.addSql(`create trigger exchange_rates_spend_delete after delete on "exchange_rates" referencing old table as o for each statement execute function herald_rates_spend();`);
    this.addSql(`select herald_campaign_spend(array(select id from campaigns));`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists exchange_rates_spend_${op} on "exchange_rates";`);
    this.addSql(`drop function if exists herald_rates_spend();`);
    this.addSql(`${recipientsFunction('herald_rollup_apply')};`);
    this.addSql(`drop function if exists herald_rollup_apply_messages(herald_rollup_delta[]);`);
    this.addSql(`${apply('herald_rollup_apply', 'cost', PREVIOUS_SPEND)};`);
    this.addSql(`drop function if exists herald_campaign_spend(uuid[]);`);
    for (const t of TABLES) this.addSql(`update ${t} set cost = cost + message_cost where message_cost <> 0;`);
    for (const t of TABLES) this.addSql(`alter table "${t}" drop column "message_cost";`);
    this.addSql(`update campaigns c set actual_spend = coalesce((select sum(cost) from campaign_performance_metrics m where m.campaign_id = c.id and m.period = 'day'), 0) where true;`);
  }
}
