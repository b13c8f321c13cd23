import { Migration } from '@mikro-orm/migrations';

export class Migration20261124141444_tracking extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "campaign_tracking" ("campaign_id" uuid not null, "company_id" uuid not null, "utm" jsonb not null, "updated_at" timestamptz not null default now(), constraint "campaign_tracking_pkey" primary key ("campaign_id"));`);

    this.addSql(`create table "tracked_links" ("campaign_id" uuid not null, "variant" varchar(16) not null, "idx" smallint not null, "company_id" uuid not null, "url" text not null, "created_at" timestamptz not null default now(), constraint "tracked_links_pkey" primary key ("campaign_id", "variant", "idx"));`);

    this.addSql(`alter table "campaign_tracking" add constraint "campaign_tracking_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "tracked_links" add constraint "tracked_links_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "campaign_tracking" cascade;`);

    this.addSql(`drop table if exists "tracked_links" cascade;`);
  }

}
