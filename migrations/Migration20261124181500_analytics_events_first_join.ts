import { Migration } from '@mikro-orm/migrations';

/**
 * The message_events rollup trigger marked each statement's first opens and clicks with
 * `e.id = any(<array of first ids>)`. Once PL/pgSQL switches to a generic plan (after five calls)
 * that test is a linear scan of the array per event: harmless for a tracking batch of a few
 * hundred hits, quadratic for a bulk import (500 000 events with 200 000 firsts stalled). The
 * firsts now come from the INSERT … RETURNING of the same statement, joined by id.
 */

const BIG = [
  'sent', 'delivered', 'failed', 'bounces', 'complaints', 'unsubscribes', 'opens', 'unique_opens', 'clicks', 'unique_clicks',
  'impressions', 'reach', 'leads', 'qualified_leads', 'opportunities', 'conversions', 'orders',
] as const;
const MONEY = ['conversion_revenue', 'order_revenue', 'cost'] as const;
const COUNTERS = [...BIG, ...MONEY];
type Counter = (typeof COUNTERS)[number];

function deltas(keys: string[], values: Partial<Record<Counter, string>>, from: string): string {
  const agg = COUNTERS.map((c) => {
    const type = (MONEY as readonly string[]).includes(c) ? 'numeric' : 'bigint';
    return values[c] ? `coalesce(sum(sgn * (${values[c]})), 0)::${type}` : `0::${type}`;
  });
  const nonZero = Object.values(values).map((v) => `sum(sgn * (${v})) <> 0`).join(' or ');
  return `array(select row(q.*)::herald_rollup_delta from (
    select ${keys.join(', ')}, ${agg.join(', ')}
    ${from}
    group by 1, 2, 3, 4, 5, 6, 7
    having ${nonZero}) q)`;
}

const RETAILER = `case when k.attributes @> '{"retailer": true}' then k.id end`;

function eventsFunction(firstsJoin: boolean): string {
  const first = firstsJoin ? 'f.event_id is not null' : 'e.id = any(firsts)';
  const rows = `
    select e.id, e.company_id, e.campaign_id, e.channel::text as channel, e.type::text as type, e.link_index, e.recipient_id,
           coalesce((e.metadata ->> 'repeat')::boolean, false) as repeat,
           e.occurred_at at time zone co.time_zone as local, coalesce(r.variant, '') as variant, coalesce(k.region, '') as region,
           ${RETAILER} as retailer, ${first} as first
      from n e
      join companies co on co.id = e.company_id
      left join campaign_recipients r on r.id = e.recipient_id
      left join contacts k on k.id = r.contact_id
      ${firstsJoin ? 'left join f on f.event_id = e.id' : ''}
     where (e.type in ('opened', 'clicked') and not e.automated) or e.type in ('bounced_hard', 'bounced_soft', 'complained', 'unsubscribed')`;
  const firsts = `
    insert into message_engagements (recipient_id, kind, company_id, event_id)
    select distinct on (e.recipient_id, x.kind) e.recipient_id, x.kind, e.company_id, e.id
      from n e cross join lateral (select case when e.type = 'opened' then 'o' else 'c' end as kind) x
     where e.type in ('opened', 'clicked') and not e.automated and e.recipient_id is not null
     order by e.recipient_id, x.kind, e.id
    on conflict do nothing
    returning event_id`;
  const rollup = deltas(
    ['ev.company_id', 'ev.campaign_id', 'ev.channel', 'ev.variant', 'ev.region', 'ev.retailer', 'ev.local::date'],
    {
      opens: `(ev.type = 'opened')::int`,
      unique_opens: `(ev.type = 'opened' and ev.first)::int`,
      clicks: `(ev.type = 'clicked')::int`,
      unique_clicks: `(ev.type = 'clicked' and ev.first)::int`,
      bounces: `(ev.type in ('bounced_hard', 'bounced_soft'))::int`,
      complaints: `(ev.type = 'complained')::int`,
      unsubscribes: `(ev.type = 'unsubscribed')::int`,
    },
    `from (select 1 as sgn, y.* from ev y) ev`,
  );
  const hours = `
    insert into campaign_engagement_hours as h (company_id, campaign_id, channel, day, hour, opens, clicks)
    select company_id, campaign_id, channel, local::date, extract(hour from local)::smallint,
           count(*) filter (where type = 'opened'), count(*) filter (where type = 'clicked')
      from ev where type in ('opened', 'clicked')
     group by 1, 2, 3, 4, 5 order by 2, 3, 4, 5
    on conflict (campaign_id, channel, day, hour) do update set opens = h.opens + excluded.opens, clicks = h.clicks + excluded.clicks`;
  const links = `
    insert into campaign_link_clicks as l (company_id, campaign_id, variant, link_index, day, clicks, unique_clicks)
    select company_id, campaign_id, variant, link_index, local::date, count(*), count(*) filter (where not repeat)
      from ev where type = 'clicked' and link_index is not null
     group by 1, 2, 3, 4, 5 order by 2, 3, 4, 5
    on conflict (campaign_id, variant, link_index, day) do update set clicks = l.clicks + excluded.clicks, unique_clicks = l.unique_clicks + excluded.unique_clicks`;
  if (firstsJoin) {
    // One statement: the RETURNING rows of the firsts' INSERT are visible to the rest of it.
    return `create or replace function herald_rollup_events() returns trigger language plpgsql as $$
begin
  with f as (${firsts}),
  ev as materialized (${rows}),
  hours as (${hours} returning 1),
  links as (${links} returning 1)
  select count(*) into applied from (select herald_rollup_apply(${rollup})) x;
  return null;
end $$`.replace('begin\n', 'declare applied bigint;\nbegin\n');
  }
  return `create or replace function herald_rollup_events() returns trigger language plpgsql as $$
declare firsts bigint[];
begin
  with f as (${firsts})
  select coalesce(array_agg(event_id), '{}') into firsts from f;
  with ev as (${rows}), hours as (${hours} returning 1)
  ${links};
  perform herald_rollup_apply(${rollup.replace('from (select 1 as sgn, y.* from ev y) ev', `from (select 1 as sgn, y.* from (${rows}) y) ev`)});
  return null;
end $$`;
}

export class Migration20261124181500_analytics_events_first_join extends Migration {
  override async up(): Promise<void> {
    this.addSql(`${eventsFunction(true)};`);
  }

  override async down(): Promise<void> {
    this.addSql(`${eventsFunction(false)};`);
  }
}
