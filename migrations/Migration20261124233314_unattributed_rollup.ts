import { Migration } from '@mikro-orm/migrations';

/**
 * Conversions and orders without a campaign are kept (issue 8) but the campaign rollups cannot hold
 * them (every rollup row names its campaign), so the company totals never showed them. They get a
 * rollup of their own per company and local day, kept by statement-level triggers with transition
 * tables in the transaction of the fact, like the campaign rollups: leads (type 'lead'), conversions
 * (other types), conversion revenue = value, and completed orders with their value. A fact moved
 * onto or off a campaign, or an order whose status changes, moves its counts by the same signed
 * difference. Statements of attributed facts only filter their rows and write nothing; the
 * tracking ingest (message events) does not touch these tables.
 */

const CONVERSIONS = (rel: string) => `insert into unattributed_metrics as m (company_id, day, leads, conversions, conversion_revenue, revenue)
  select v.company_id, (v.occurred_at at time zone co.time_zone)::date,
         sum(sgn * (v.type = 'lead')::int), sum(sgn * (v.type <> 'lead')::int), sum(sgn * v.value), sum(sgn * v.value)
    from ${rel} v join companies co on co.id = v.company_id
   where v.campaign_id is null
   group by 1, 2
  having sum(sgn) <> 0 or sum(sgn * v.value) <> 0 or sum(sgn * (v.type = 'lead')::int) <> 0
   order by 1, 2
  on conflict (company_id, day) do update set leads = m.leads + excluded.leads, conversions = m.conversions + excluded.conversions,
    conversion_revenue = m.conversion_revenue + excluded.conversion_revenue, revenue = m.revenue + excluded.revenue`;

const ORDERS = (rel: string) => `insert into unattributed_metrics as m (company_id, day, orders, order_revenue, revenue)
  select v.company_id, (v.ordered_at at time zone co.time_zone)::date, sum(sgn), sum(sgn * v.order_value), sum(sgn * v.order_value)
    from ${rel} v join companies co on co.id = v.company_id
   where v.campaign_id is null and v.status = 'completed'
   group by 1, 2
  having sum(sgn) <> 0 or sum(sgn * v.order_value) <> 0
   order by 1, 2
  on conflict (company_id, day) do update set orders = m.orders + excluded.orders,
    order_revenue = m.order_revenue + excluded.order_revenue, revenue = m.revenue + excluded.revenue`;

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

function triggers(table: string, name: string): string[] {
  return [
    `create trigger ${table}_unattributed_insert after insert on "${table}" referencing new table as n for each statement execute function ${name}()`,
    `create trigger ${table}_unattributed_update after update on "${table}" referencing old table as o new table as n for each statement execute function ${name}()`,
    `create trigger ${table}_unattributed_delete after delete on "${table}" referencing old table as o for each statement execute function ${name}()`,
  ];
}

export class Migration20261124233314_unattributed_rollup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "unattributed_metrics" ("id" bigserial primary key, "company_id" uuid not null, "day" date not null, "leads" bigint not null default 0, "conversions" bigint not null default 0, "orders" bigint not null default 0, "conversion_revenue" numeric(20,4) not null default 0, "order_revenue" numeric(20,4) not null default 0, "revenue" numeric(20,4) not null default 0);`);
    this.addSql(`alter table "unattributed_metrics" add constraint "unattributed_metrics_key" unique ("company_id", "day");`);
    this.addSql(`alter table "unattributed_metrics" add constraint "unattributed_metrics_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);

    this.addSql(`${fn('herald_rollup_unattributed_conversions', CONVERSIONS)};`);
    this.addSql(`${fn('herald_rollup_unattributed_orders', ORDERS)};`);
    // What is already stored, through the same definitions.
    this.addSql(`${CONVERSIONS('(select 1 as sgn, x.* from conversions x)')};`);
    this.addSql(`${ORDERS('(select 1 as sgn, x.* from orders x)')};`);
    this.addSql(triggers('conversions', 'herald_rollup_unattributed_conversions').join(';\n') + ';');
    this.addSql(triggers('orders', 'herald_rollup_unattributed_orders').join(';\n') + ';');
  }

  override async down(): Promise<void> {
    for (const t of ['conversions', 'orders']) {
      for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists ${t}_unattributed_${op} on "${t}";`);
    }
    this.addSql(`drop function if exists herald_rollup_unattributed_conversions();`);
    this.addSql(`drop function if exists herald_rollup_unattributed_orders();`);
    this.addSql(`drop table if exists "unattributed_metrics" cascade;`);
  }
}
