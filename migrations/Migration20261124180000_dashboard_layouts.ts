import { Migration } from '@mikro-orm/migrations';

export class Migration20261124180000_dashboard_layouts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "dashboard_layouts" ("user_id" uuid not null, "company_id" uuid not null, "widgets" jsonb not null, "updated_at" timestamptz not null default now(), constraint "dashboard_layouts_pkey" primary key ("user_id"));`);
    this.addSql(`alter table "dashboard_layouts" add constraint "dashboard_layouts_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dashboard_layouts" add constraint "dashboard_layouts_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "dashboard_layouts" cascade;`);
  }

}
