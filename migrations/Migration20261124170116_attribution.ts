import { Migration } from '@mikro-orm/migrations';

export class Migration20261124170116_attribution extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_keys" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "name" varchar(100) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "scopes" text[] not null default '{}', "created_by_id" uuid null, "created_at" timestamptz not null default now(), "last_used_at" timestamptz null, "revoked_at" timestamptz null, "revoked_by_id" uuid null, constraint "api_keys_pkey" primary key ("id"));`);
    this.addSql(`create index "api_keys_company_id_created_at_index" on "api_keys" ("company_id", "created_at");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_prefix_unique" unique ("prefix");`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_revoked_by_id_foreign" foreign key ("revoked_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "campaigns" drop constraint if exists "campaigns_primary_channel_check";`);

    this.addSql(`alter table "orders" drop constraint if exists "orders_channel_check";`);

    this.addSql(`alter table "conversions" drop constraint if exists "conversions_channel_check";`);

    this.addSql(`alter table "campaigns" add constraint "campaigns_primary_channel_check" check("primary_channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook', 'paid_ads', 'social', 'organic', 'direct_mail'));`);

    this.addSql(`alter table "orders" add column "variant" varchar(16) null, add column "region" varchar(64) null, add column "product_category" varchar(100) null;`);
    this.addSql(`alter table "orders" add constraint "orders_channel_check" check("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook', 'paid_ads', 'social', 'organic', 'direct_mail'));`);

    this.addSql(`alter table "conversions" add column "region" varchar(64) null, add column "lead_source" varchar(64) null, add column "lead_stage" text check ("lead_stage" in ('new', 'qualified', 'hot', 'opportunity', 'won', 'lost')) null, add column "quality_score" smallint null, add column "updated_at" timestamptz null;`);
    this.addSql(`alter table "conversions" add constraint "conversions_channel_check" check("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook', 'paid_ads', 'social', 'organic', 'direct_mail'));`);
    this.addSql(`alter table "conversions" add constraint conversions_quality_score_check check(((quality_score >= 0) AND (quality_score <= 100)));`);


    // Budget overrun (seed 001 budget tracking): whatever raises actual_spend (recorded spend, the
    // per-message cost the send path accrues, a correction), the owners hear about it once, when
    // the spend first passes the budget. One statement-level trigger over the transition tables, so a
    // bulk update costs one join, not a function call per row; concurrent updates of one campaign
    // are serialised by its row lock, so only the first sees the crossing.
    this.addSql(`create or replace function herald_budget_overrun() returns trigger language plpgsql as $$
      begin
        with crossed as (
          select n.id, n.company_id, n.name, n.code, n.created_by_id, n.total_budget, n.actual_spend, n.currency
            from new_rows n join old_rows o on o.id = n.id
           where n.total_budget > 0 and n.actual_spend > n.total_budget and o.actual_spend <= o.total_budget
             and not exists (select 1 from notifications x where x.company_id = n.company_id and x.kind = 'campaign.budget_exceeded' and x.payload->>'campaignId' = n.id::text)),
        owners as (
          select k.id as campaign_id, k.created_by_id as user_id from crossed k
          union
          select cc.campaign_id, cc.user_id from campaign_collaborators cc join crossed k on k.id = cc.campaign_id where cc.role = 'owner'),
        created as (
          insert into notifications (company_id, user_id, kind, payload)
          select k.company_id, w.user_id, 'campaign.budget_exceeded',
                 jsonb_build_object('campaignId', k.id, 'campaignName', k.name, 'campaignCode', k.code,
                                    'budget', k.total_budget::text, 'actualSpend', k.actual_spend::text, 'currency', k.currency)
            from crossed k join owners w on w.campaign_id = k.id
          returning id, company_id, user_id, kind, payload, created_at)
        insert into outbox_events (company_id, type, user_id, payload)
        select company_id, 'notification.created', user_id, jsonb_build_object('id', id, 'kind', kind, 'createdAt', created_at) || payload from created;
        return null;
      end $$;`);
    this.addSql(`create trigger campaigns_budget_overrun after update on "campaigns" referencing old table as old_rows new table as new_rows for each statement execute function herald_budget_overrun();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists campaigns_budget_overrun on "campaigns";`);
    this.addSql(`drop function if exists herald_budget_overrun();`);
    this.addSql(`drop table if exists "api_keys" cascade;`);

    this.addSql(`alter table "campaigns" drop constraint if exists "campaigns_primary_channel_check";`);

    this.addSql(`alter table "conversions" drop constraint if exists "conversions_channel_check";`);

    this.addSql(`alter table "orders" drop constraint if exists "orders_channel_check";`);


    this.addSql(`alter table "campaigns" add constraint "campaigns_primary_channel_check" check("primary_channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook'));`);

    this.addSql(`alter table "conversions" drop constraint conversions_quality_score_check;`);
    this.addSql(`alter table "conversions" drop column "region", drop column "lead_source", drop column "lead_stage", drop column "quality_score", drop column "updated_at";`);

    this.addSql(`alter table "conversions" add constraint "conversions_channel_check" check("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook'));`);

    this.addSql(`alter table "orders" drop column "variant", drop column "region", drop column "product_category";`);

    this.addSql(`alter table "orders" add constraint "orders_channel_check" check("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook'));`);
  }

}
