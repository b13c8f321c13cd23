import { Migration } from '@mikro-orm/migrations';

export class Migration20261124165720_campaign_channel_metrics extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "campaign_channel_metrics" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "channel" varchar(32) not null, "day" date not null, "impressions" bigint not null default 0, "reach" bigint not null default 0, "clicks" bigint not null default 0, "leads" bigint not null default 0, "qualified_leads" bigint not null default 0, "conversions" bigint not null default 0, "revenue" numeric(18,4) not null default 0, "spend" numeric(18,4) not null default 0, "source" varchar(16) not null, "updated_at" timestamptz not null default now(), "updated_by" uuid null, constraint campaign_channel_metrics_source_check check (source in ('api', 'csv')));`);
    this.addSql(`create index "campaign_channel_metrics_company_id_day_index" on "campaign_channel_metrics" ("company_id", "day");`);
    this.addSql(`alter table "campaign_channel_metrics" add constraint "campaign_channel_metrics_campaign_channel_day_unique" unique ("campaign_id", "channel", "day");`);

    this.addSql(`alter table "campaign_channel_metrics" add constraint "campaign_channel_metrics_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_channel_metrics" add constraint "campaign_channel_metrics_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_channel_metrics" add constraint "campaign_channel_metrics_updated_by_foreign" foreign key ("updated_by") references "users" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "campaign_channel_metrics" cascade;`);
  }

}
