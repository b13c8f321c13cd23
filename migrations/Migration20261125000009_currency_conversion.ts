import { Migration } from '@mikro-orm/migrations';

/**
 * Company figures across campaigns of different currencies (issue 8): each campaign's money stays
 * in its own currency in the rollups, and company views convert it when they read, with the
 * company's exchange rates (exchange_rates: the latest rate on or before the fact's local day).
 * Reading, not writing, converts because every campaign rollup row belongs to one campaign and so
 * to one currency and one day: the conversion is exact at read time, a rate set or corrected later
 * for earlier days needs no re-roll, the campaign page keeps the campaign's own currency, and the
 * fact triggers (message events above all) do no extra work per row.
 *
 * Unattributed facts have no campaign, so their currency is the one they were reported in: their
 * rollup gains the currency in its key. The rows are rebuilt from the facts through the new
 * definitions in the same migration (a single-currency company gets the same rows, now keyed with
 * its currency).
 */

const CONVERSIONS = (rel: string) => `insert into unattributed_metrics as m (company_id, day, currency, leads, conversions, conversion_revenue, revenue)
  select v.company_id, (v.occurred_at at time zone co.time_zone)::date, v.currency,
         sum(sgn * (v.type = 'lead')::int), sum(sgn * (v.type <> 'lead')::int), sum(sgn * v.value), sum(sgn * v.value)
    from ${rel} v join companies co on co.id = v.company_id
   where v.campaign_id is null
   group by 1, 2, 3
  having sum(sgn) <> 0 or sum(sgn * v.value) <> 0 or sum(sgn * (v.type = 'lead')::int) <> 0
   order by 1, 2, 3
  on conflict (company_id, day, currency) do update set leads = m.leads + excluded.leads, conversions = m.conversions + excluded.conversions,
    conversion_revenue = m.conversion_revenue + excluded.conversion_revenue, revenue = m.revenue + excluded.revenue`;

const ORDERS = (rel: string) => `insert into unattributed_metrics as m (company_id, day, currency, orders, order_revenue, revenue)
  select v.company_id, (v.ordered_at at time zone co.time_zone)::date, v.currency, sum(sgn), sum(sgn * v.order_value), sum(sgn * v.order_value)
    from ${rel} v join companies co on co.id = v.company_id
   where v.campaign_id is null and v.status = 'completed'
   group by 1, 2, 3
  having sum(sgn) <> 0 or sum(sgn * v.order_value) <> 0
   order by 1, 2, 3
  on conflict (company_id, day, currency) do update set orders = m.orders + excluded.orders,
    order_revenue = m.order_revenue + excluded.order_revenue, revenue = m.revenue + excluded.revenue`;

/** The same functions as migrations/…_unattributed_rollup.ts, over `body` (with or without the currency). */
function fn(name: string, body: (rel: string) => string): string {
  return `create or replace function ${name}() returns trigger language plpgsql as $$
begin
  if TG_OP = 'INSERT' then
    ${body('(select 1 as sgn, x.* from n x)')};
  elsif TG_OP = 'DELETE' then
    ${body('(select -1 as sgn, x.* from o x)')};
  else
    ${body('(select 1 as sgn, x.* from n x union all select -1 as sgn, x.* from o x)')};
  end if;
  return null;
end $$`;
}

/** The previous definitions, for down(): no currency in the key. */
const withoutCurrency = (sql: string) =>
  sql.replace(', currency,', ',').replace(', v.currency,', ',').replaceAll('group by 1, 2, 3', 'group by 1, 2').replaceAll('order by 1, 2, 3', 'order by 1, 2').replace('(company_id, day, currency)', '(company_id, day)');

export class Migration20261125000009_currency_conversion extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "exchange_rates" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "currency" varchar(3) not null, "rate" numeric(24,10) not null, "effective_from" date not null, "created_by_id" uuid null, "updated_at" timestamptz not null default now(), constraint "exchange_rates_pkey" primary key ("id"), constraint exchange_rates_rate_check check ((rate > (0)::numeric)));`);
    this.addSql(`alter table "exchange_rates" add constraint "exchange_rates_key" unique ("company_id", "currency", "effective_from");`);
    this.addSql(`alter table "exchange_rates" add constraint "exchange_rates_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "exchange_rates" add constraint "exchange_rates_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    // The unattributed rollup is rebuilt with the currency in its key, from the facts, in this transaction.
    this.addSql(`delete from "unattributed_metrics";`);
    this.addSql(`alter table "unattributed_metrics" drop constraint "unattributed_metrics_key";`);
    this.addSql(`alter table "unattributed_metrics" add column "currency" varchar(3) not null;`);
    this.addSql(`alter table "unattributed_metrics" add constraint "unattributed_metrics_key" unique ("company_id", "day", "currency");`);
    this.addSql(`${fn('herald_rollup_unattributed_conversions', CONVERSIONS)};`);
    this.addSql(`${fn('herald_rollup_unattributed_orders', ORDERS)};`);
    this.addSql(`${CONVERSIONS('(select 1 as sgn, x.* from conversions x)')};`);
    this.addSql(`${ORDERS('(select 1 as sgn, x.* from orders x)')};`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "exchange_rates" cascade;`);
    this.addSql(`delete from "unattributed_metrics";`);
    this.addSql(`alter table "unattributed_metrics" drop constraint "unattributed_metrics_key";`);
    this.addSql(`alter table "unattributed_metrics" drop column "currency";`);
    this.addSql(`alter table "unattributed_metrics" add constraint "unattributed_metrics_key" unique ("company_id", "day");`);
    this.addSql(`${fn('herald_rollup_unattributed_conversions', (rel) => withoutCurrency(CONVERSIONS(rel)))};`);
    this.addSql(`${fn('herald_rollup_unattributed_orders', (rel) => withoutCurrency(ORDERS(rel)))};`);
    this.addSql(`${withoutCurrency(CONVERSIONS('(select 1 as sgn, x.* from conversions x)'))};`);
    this.addSql(`${withoutCurrency(ORDERS('(select 1 as sgn, x.* from orders x)'))};`);
  }
}
