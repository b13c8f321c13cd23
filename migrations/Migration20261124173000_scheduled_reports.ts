import { Migration } from '@mikro-orm/migrations';

export class Migration20261124173000_scheduled_reports extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "report_subscriptions" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "user_id" uuid not null, "name" varchar(200) not null, "kind" text check ("kind" in ('overview', 'campaign')) not null, "frequency" text check ("frequency" in ('weekly', 'monthly')) not null, "campaign_id" uuid null, "filters" jsonb not null default '{}', "created_at" timestamptz not null default now(), constraint "report_subscriptions_pkey" primary key ("id"));`);
    this.addSql(`create index "report_subscriptions_company_id_user_id_index" on "report_subscriptions" ("company_id", "user_id");`);

    this.addSql(`create table "report_deliveries" ("id" bigserial primary key, "company_id" uuid not null, "subscription_id" uuid not null, "period_from" date not null, "period_to" date not null, "status" text check ("status" in ('sending', 'sent', 'failed')) not null default 'sending', "error" text null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null);`);
    this.addSql(`alter table "report_deliveries" add constraint "report_deliveries_subscription_id_period_from_unique" unique ("subscription_id", "period_from");`);

    this.addSql(`alter table "report_subscriptions" add constraint "report_subscriptions_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "report_subscriptions" add constraint "report_subscriptions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "report_subscriptions" add constraint "report_subscriptions_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "report_deliveries" add constraint "report_deliveries_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "report_deliveries" add constraint "report_deliveries_subscription_id_foreign" foreign key ("subscription_id") references "report_subscriptions" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "report_deliveries" cascade;`);
    this.addSql(`drop table if exists "report_subscriptions" cascade;`);
  }

}
