import { Migration } from '@mikro-orm/migrations';

/**
 * Analytics rollups kept current by statement-level AFTER triggers with transition tables: every
 * INSERT / UPDATE / DELETE of a fact adds its difference to the rollups in the same transaction, so
 * an increment commits (or rolls back) with the fact it counts — no lag, nothing lost or doubled by
 * a crash, a retry or two concurrent batches. One aggregation per statement, not per row; upserts
 * in key order (and the campaign row first when cost moves) so concurrent batches cannot deadlock.
 *
 * Definitions (db/repositories/analytics-raw.ts states the same ones as a GROUP BY over the facts):
 * - recipients: sent on the day of sent_at (+ the company's channel_costs[channel] as cost),
 *   delivered on the day of delivered_at, failed when status is 'failed';
 * - events (append-only): human opens and clicks (automated ones are not counted), bounces (hard +
 *   soft), complaints, unsubscribes; unique opens / clicks = first human one per message;
 * - conversions: leads (type 'lead'), conversions (every other type), conversion revenue = value;
 * - orders: completed ones, order revenue = order_value;
 * - spend entries: cost; tracked daily metrics (campaign_channel_metrics): their columns, spend as cost.
 * Days are local days in the company's time zone. A fact without a channel counts on the
 * campaign's primary channel. campaigns.actual_spend is the sum of the campaign's rollup cost.
 */

const BIG = [
  'sent', 'delivered', 'failed', 'bounces', 'complaints', 'unsubscribes', 'opens', 'unique_opens', 'clicks', 'unique_clicks',
  'impressions', 'reach', 'leads', 'qualified_leads', 'opportunities', 'conversions', 'orders',
] as const;
const MONEY = ['conversion_revenue', 'order_revenue', 'cost'] as const;
const COUNTERS = [...BIG, ...MONEY];
type Counter = (typeof COUNTERS)[number];

/** One aggregated delta row per (campaign, channel, variant, region, retailer, day). */
const DELTA_TYPE = `create type herald_rollup_delta as (company_id uuid, campaign_id uuid, channel text, variant text, region text, retailer uuid, day date,
  ${BIG.map((c) => `${c} bigint`).join(', ')}, ${MONEY.map((c) => `${c} numeric`).join(', ')})`;

/**
 * The delta array of a source: `keys` are the seven key expressions, `values` maps the counters a
 * source contributes to expressions (multiplied by the row's sign `sgn`), `from` the rows.
 */
function deltas(keys: string[], values: Partial<Record<Counter, string>>, from: string): string {
  const agg = COUNTERS.map((c) => (values[c] ? `sum(sgn * (${values[c]}))::${MONEY.includes(c as never) ? 'numeric' : 'bigint'}` : `0::${MONEY.includes(c as never) ? 'numeric' : 'bigint'}`));
  const nonZero = Object.values(values).map((v) => `sum(sgn * (${v})) <> 0`).join(' or ');
  return `array(select row(q.*)::herald_rollup_delta from (
    select ${keys.join(', ')}, ${agg.join(', ')}
    ${from}
    group by 1, 2, 3, 4, 5, 6, 7
    having ${nonZero}) q)`;
}

function upsertInto(table: string, keyCols: string[], conflict: string, extra: Record<string, string> = {}, where = ''): string {
  const src = keyCols.map((k) => keySource[k] ?? k).join(', ');
  const set = [...COUNTERS, 'revenue'].map((c) => `${c} = m.${c} + excluded.${c}`);
  const extraCols = Object.keys(extra);
  const kept = extraCols.filter((c) => c === 'updated_at' || c === 'region').map((c) => `, ${c} = excluded.${c}`);
  return `insert into ${table} as m (company_id, campaign_id, ${keyCols.join(', ')}, ${extraCols.map((c) => `${c}, `).join('')}${COUNTERS.join(', ')}, revenue)
    select company_id, campaign_id, ${src}, ${Object.values(extra).map((v) => `${v}, `).join('')}${COUNTERS.map((c) => `sum(${c})`).join(', ')}, sum(conversion_revenue) + sum(order_revenue)
      from unnest(d) ${where}
     group by company_id, campaign_id, ${src}
     order by campaign_id, ${src}
    on conflict ${conflict} do update set ${set.join(', ')}${kept.join('')}`;
}
const keySource: Record<string, string> = { period_start: 'day', contact_id: 'retailer' };

const APPLY = `create or replace function herald_rollup_apply(d herald_rollup_delta[]) returns void language plpgsql as $$
declare costly uuid[];
begin
  if coalesce(cardinality(d), 0) = 0 then return; end if;
  select array_agg(distinct x.campaign_id order by x.campaign_id) into costly from unnest(d) x where x.cost <> 0;
  -- Lock order everywhere: the campaign rows (by id), then rollup rows in key order.
  if costly is not null then
    perform 1 from campaigns where id = any(costly) order by id for no key update;
  end if;
  ${upsertInto(
    'campaign_performance_metrics',
    ['channel', 'variant', 'period_start'],
    '(campaign_id, period, period_start, channel, variant, user_id, team_id)',
    { period: `'day'`, period_end: 'day', updated_at: 'now()' },
  )};
  ${upsertInto('campaign_region_metrics', ['channel', 'region', 'day'], '(campaign_id, channel, region, day)')};
  ${upsertInto('campaign_retailer_metrics', ['contact_id', 'channel', 'day'], '(campaign_id, contact_id, channel, day)', { region: 'max(region)' }, 'where retailer is not null')};
  if costly is not null then
    update campaigns c set actual_spend = t.cost
      from (select campaign_id, sum(cost) as cost from campaign_performance_metrics where campaign_id = any(costly) and period = 'day' group by campaign_id) t
     where c.id = t.campaign_id and c.actual_spend is distinct from t.cost;
  end if;
end $$`;

const RETAILER = `case when k.attributes @> '{"retailer": true}' then k.id end`;

/** campaign_recipients: `rel` yields the rows with their sign. */
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

/** A trigger function over INSERT, UPDATE and DELETE whose delta for a relation is `body(rel)`. */
function factFunction(name: string, body: (rel: string) => string, update: string, insertFilter = 'true'): string {
  return `create or replace function ${name}() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    perform herald_rollup_apply(${body(`(select 1 as sgn, x.* from n x where ${insertFilter})`)});
  elsif TG_OP = 'DELETE' then
    perform herald_rollup_apply(${body(`(select -1 as sgn, x.* from o x where ${insertFilter})`)});
  else
    perform herald_rollup_apply(${body(update)});
  end if;
  return null;
end $$`;
}

const RECIPIENTS_FN = factFunction(
  'herald_rollup_recipients',
  recipientDeltas,
  `(with ch as (select n.id from n join o on o.id = n.id where ${RECIPIENT_CHANGED})
    select 1 as sgn, x.* from n x where x.id in (select id from ch) and ${COUNTED_RECIPIENT}
    union all
    select -1 as sgn, x.* from o x where x.id in (select id from ch) and ${COUNTED_RECIPIENT})`,
  COUNTED_RECIPIENT,
);

function conversionDeltas(rel: string): string {
  return deltas(
    ['v.company_id', 'v.campaign_id', 'coalesce(v.channel::text, cp.primary_channel::text)', `coalesce(v.variant, r.variant, '')`, `coalesce(k.region, '')`, RETAILER, '(v.occurred_at at time zone co.time_zone)::date'],
    { leads: `(v.type = 'lead')::int`, conversions: `(v.type <> 'lead')::int`, conversion_revenue: 'v.value' },
    `from ${rel} v
     join campaigns cp on cp.id = v.campaign_id
     join companies co on co.id = v.company_id
     left join campaign_recipients r on r.id = v.recipient_id
     left join contacts k on k.id = coalesce(v.contact_id, r.contact_id)`,
  );
}
const BOTH = `(select 1 as sgn, x.* from n x union all select -1 as sgn, x.* from o x)`;
const CONVERSIONS_FN = factFunction('herald_rollup_conversions', conversionDeltas, BOTH);

function orderDeltas(rel: string): string {
  return deltas(
    ['v.company_id', 'v.campaign_id', 'coalesce(v.channel::text, cp.primary_channel::text)', `coalesce(r.variant, '')`, `coalesce(k.region, '')`, RETAILER, '(v.ordered_at at time zone co.time_zone)::date'],
    { orders: '1', order_revenue: 'v.order_value' },
    `from ${rel} v
     join campaigns cp on cp.id = v.campaign_id
     join companies co on co.id = v.company_id
     left join campaign_recipients r on r.id = v.recipient_id
     left join contacts k on k.id = coalesce(v.contact_id, r.contact_id)
     where v.status = 'completed'`,
  );
}
const ORDERS_FN = factFunction('herald_rollup_orders', orderDeltas, BOTH);

function spendDeltas(rel: string): string {
  return deltas(
    ['v.company_id', 'v.campaign_id', 'coalesce(v.channel, cp.primary_channel::text)', `''`, `''`, 'null::uuid', 'v.incurred_on'],
    { cost: 'v.amount' },
    `from ${rel} v join campaigns cp on cp.id = v.campaign_id`,
  );
}
const SPEND_FN = factFunction('herald_rollup_spend', spendDeltas, BOTH);

function trackedDeltas(rel: string): string {
  return deltas(
    ['v.company_id', 'v.campaign_id', 'v.channel', `''`, `''`, 'null::uuid', 'v.day'],
    {
      impressions: 'v.impressions',
      reach: 'v.reach',
      clicks: 'v.clicks',
      leads: 'v.leads',
      qualified_leads: 'v.qualified_leads',
      conversions: 'v.conversions',
      conversion_revenue: 'v.revenue',
      cost: 'v.spend',
    },
    `from ${rel} v`,
  );
}
const TRACKED_FN = factFunction('herald_rollup_tracked', trackedDeltas, BOTH);

/** The human engagement and delivery-problem events of a statement, with their message's variant, region and retailer. */
const EVENT_ROWS = `
  select e.id, e.company_id, e.campaign_id, e.channel::text as channel, e.type::text as type, e.link_index, e.recipient_id,
         coalesce((e.metadata ->> 'repeat')::boolean, false) as repeat,
         e.occurred_at at time zone co.time_zone as local, coalesce(r.variant, '') as variant, coalesce(k.region, '') as region,
         ${RETAILER} as retailer, e.id = any(firsts) as first
    from n e
    join companies co on co.id = e.company_id
    left join campaign_recipients r on r.id = e.recipient_id
    left join contacts k on k.id = r.contact_id
   where (e.type in ('opened', 'clicked') and not e.automated) or e.type in ('bounced_hard', 'bounced_soft', 'complained', 'unsubscribed')`;

const EVENTS_FN = `create or replace function herald_rollup_events() returns trigger language plpgsql as $$
declare firsts bigint[];
begin
  -- The first human open / click of each message: exactly one concurrent inserter wins the row.
  with f as (
    insert into message_engagements (recipient_id, kind, company_id, event_id)
    select distinct on (e.recipient_id, x.kind) e.recipient_id, x.kind, e.company_id, e.id
      from n e cross join lateral (select case when e.type = 'opened' then 'o' else 'c' end as kind) x
     where e.type in ('opened', 'clicked') and not e.automated and e.recipient_id is not null
     order by e.recipient_id, x.kind, e.id
    on conflict do nothing
    returning event_id)
  select coalesce(array_agg(event_id), '{}') into firsts from f;

  with ev as (${EVENT_ROWS}),
  hours as (
    insert into campaign_engagement_hours as h (company_id, campaign_id, channel, day, hour, opens, clicks)
    select company_id, campaign_id, channel, local::date, extract(hour from local)::smallint,
           count(*) filter (where type = 'opened'), count(*) filter (where type = 'clicked')
      from ev where type in ('opened', 'clicked')
     group by 1, 2, 3, 4, 5 order by 2, 3, 4, 5
    on conflict (campaign_id, channel, day, hour) do update set opens = h.opens + excluded.opens, clicks = h.clicks + excluded.clicks
    returning 1)
  insert into campaign_link_clicks as l (company_id, campaign_id, variant, link_index, day, clicks, unique_clicks)
  select company_id, campaign_id, variant, link_index, local::date, count(*), count(*) filter (where not repeat)
    from ev where type = 'clicked' and link_index is not null
   group by 1, 2, 3, 4, 5 order by 2, 3, 4, 5
  on conflict (campaign_id, variant, link_index, day) do update set clicks = l.clicks + excluded.clicks, unique_clicks = l.unique_clicks + excluded.unique_clicks;

  perform herald_rollup_apply(${deltas(
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
    `from (select 1 as sgn, y.* from (${EVENT_ROWS}) y) ev`,
  )});
  return null;
end $$`;

function triggers(table: string, fn: string): string[] {
  return [
    `create trigger ${table}_rollup_insert after insert on "${table}" referencing new table as n for each statement execute function ${fn}()`,
    `create trigger ${table}_rollup_update after update on "${table}" referencing old table as o new table as n for each statement execute function ${fn}()`,
    `create trigger ${table}_rollup_delete after delete on "${table}" referencing old table as o for each statement execute function ${fn}()`,
  ];
}

const COUNTER_COLUMNS = `${BIG.map((c) => `"${c}" bigint not null default 0`).join(', ')}, ${['conversion_revenue', 'order_revenue', 'revenue', 'cost'].map((c) => `"${c}" numeric(20,4) not null default 0`).join(', ')}`;

export class Migration20261124171000_analytics_rollups extends Migration {
  override async up(): Promise<void> {
    // The seed-000 table grows the variant key and what it lacked; its rows become the triggers'.
    this.addSql(`delete from "campaign_performance_metrics";`);
    this.addSql(`drop index "campaign_performance_metrics_unique";`);
    this.addSql(`alter table "campaign_performance_metrics" add column "variant" varchar(16) not null default '', add column "failed" bigint not null default 0,
      add column "qualified_leads" bigint not null default 0, add column "orders" bigint not null default 0,
      add column "conversion_revenue" numeric(20,4) not null default 0, add column "order_revenue" numeric(20,4) not null default 0;`);
    this.addSql(`create unique index "campaign_performance_metrics_unique" on "campaign_performance_metrics" ("campaign_id", "period", "period_start", "channel", "variant", "user_id", "team_id") nulls not distinct;`);
    this.addSql(`create index "campaign_performance_metrics_company_id_updated_at_index" on "campaign_performance_metrics" ("company_id", "updated_at");`);

    this.addSql(`create table "campaign_region_metrics" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "channel" varchar(32) not null, "region" varchar(64) not null default '', "day" date not null, ${COUNTER_COLUMNS});`);
    this.addSql(`create index "campaign_region_metrics_company_id_day_index" on "campaign_region_metrics" ("company_id", "day");`);
    this.addSql(`alter table "campaign_region_metrics" add constraint "campaign_region_metrics_key" unique ("campaign_id", "channel", "region", "day");`);

    this.addSql(`create table "campaign_retailer_metrics" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "contact_id" uuid not null, "channel" varchar(32) not null, "region" varchar(64) not null default '', "day" date not null, ${COUNTER_COLUMNS});`);
    this.addSql(`create index "campaign_retailer_metrics_company_id_day_index" on "campaign_retailer_metrics" ("company_id", "day");`);
    this.addSql(`alter table "campaign_retailer_metrics" add constraint "campaign_retailer_metrics_key" unique ("campaign_id", "contact_id", "channel", "day");`);

    this.addSql(`create table "campaign_engagement_hours" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "channel" varchar(32) not null, "day" date not null, "hour" smallint not null, "opens" bigint not null default 0, "clicks" bigint not null default 0);`);
    this.addSql(`create index "campaign_engagement_hours_company_id_day_index" on "campaign_engagement_hours" ("company_id", "day");`);
    this.addSql(`alter table "campaign_engagement_hours" add constraint "campaign_engagement_hours_key" unique ("campaign_id", "channel", "day", "hour");`);

    this.addSql(`create table "campaign_link_clicks" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "variant" varchar(16) not null default '', "link_index" smallint not null, "day" date not null, "clicks" bigint not null default 0, "unique_clicks" bigint not null default 0);`);
    this.addSql(`alter table "campaign_link_clicks" add constraint "campaign_link_clicks_key" unique ("campaign_id", "variant", "link_index", "day");`);

    this.addSql(`create table "message_engagements" ("recipient_id" bigint not null, "kind" varchar(1) not null, "company_id" uuid not null, "event_id" bigint not null, constraint "message_engagements_pkey" primary key ("recipient_id", "kind"));`);

    for (const t of ['campaign_region_metrics', 'campaign_retailer_metrics', 'campaign_engagement_hours', 'campaign_link_clicks']) {
      this.addSql(`alter table "${t}" add constraint "${t}_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
      this.addSql(`alter table "${t}" add constraint "${t}_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    }

    this.addSql(`${DELTA_TYPE};`);
    this.addSql(`${APPLY};`);
    for (const fn of [RECIPIENTS_FN, CONVERSIONS_FN, ORDERS_FN, SPEND_FN, TRACKED_FN, EVENTS_FN]) this.addSql(`${fn};`);

    // Backfill from the facts already stored, through the same definitions.
    const all = (table: string, filter = 'true') => `(select 1 as sgn, x.* from "${table}" x where ${filter})`;
    this.addSql(`select herald_rollup_apply(${recipientDeltas(all('campaign_recipients', COUNTED_RECIPIENT))});`);
    this.addSql(`select herald_rollup_apply(${conversionDeltas(all('conversions'))});`);
    this.addSql(`select herald_rollup_apply(${orderDeltas(all('orders'))});`);
    this.addSql(`select herald_rollup_apply(${spendDeltas(all('spend_entries'))});`);
    this.addSql(`select herald_rollup_apply(${trackedDeltas(all('campaign_channel_metrics'))});`);
    this.addSql(`do $$ declare firsts bigint[]; begin
      create temporary table n on commit drop as select * from message_events;
      ${EVENTS_FN.slice(EVENTS_FN.indexOf('begin') + 'begin'.length, EVENTS_FN.lastIndexOf('return null;'))}
    end $$;`);

    this.addSql(triggers('campaign_recipients', 'herald_rollup_recipients').join(';\n') + ';');
    this.addSql(triggers('message_events', 'herald_rollup_events')[0] + ';');
    this.addSql(triggers('conversions', 'herald_rollup_conversions').join(';\n') + ';');
    this.addSql(triggers('orders', 'herald_rollup_orders').join(';\n') + ';');
    this.addSql(triggers('spend_entries', 'herald_rollup_spend').join(';\n') + ';');
    this.addSql(triggers('campaign_channel_metrics', 'herald_rollup_tracked').join(';\n') + ';');
  }

  override async down(): Promise<void> {
    for (const t of ['campaign_recipients', 'conversions', 'orders', 'spend_entries', 'campaign_channel_metrics', 'message_events']) {
      for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists ${t}_rollup_${op} on "${t}";`);
    }
    for (const fn of ['herald_rollup_recipients', 'herald_rollup_conversions', 'herald_rollup_orders', 'herald_rollup_spend', 'herald_rollup_tracked', 'herald_rollup_events']) {
      this.addSql(`drop function if exists ${fn}();`);
    }
    this.addSql(`drop function if exists herald_rollup_apply(herald_rollup_delta[]);`);
    this.addSql(`drop type if exists herald_rollup_delta;`);
    for (const t of ['message_engagements', 'campaign_link_clicks', 'campaign_engagement_hours', 'campaign_retailer_metrics', 'campaign_region_metrics']) this.addSql(`drop table if exists "${t}" cascade;`);
    this.addSql(`drop index if exists "campaign_performance_metrics_company_id_updated_at_index";`);
    this.addSql(`drop index "campaign_performance_metrics_unique";`);
    this.addSql(`alter table "campaign_performance_metrics" drop column "variant", drop column "failed", drop column "qualified_leads", drop column "orders", drop column "conversion_revenue", drop column "order_revenue";`);
    this.addSql(`create unique index "campaign_performance_metrics_unique" on "campaign_performance_metrics" ("campaign_id", "period", "period_start", "channel", "user_id", "team_id") nulls not distinct;`);
  }
}
