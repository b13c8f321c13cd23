import { Migration } from '@mikro-orm/migrations';

export class Migration20261124111508_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "user_role" as enum ('admin', 'manager', 'approver', 'analyst', 'ops', 'viewer');`);
    this.addSql(`create table "companies" ("id" uuid not null default gen_random_uuid(), "name" varchar(200) not null, "slug" varchar(64) not null, "currency" varchar(3) not null default 'USD', "supported_currencies" text[] not null default '{USD}', "time_zone" varchar(64) not null default 'UTC', "approval_threshold" numeric(14,2) not null default 10000.00, "approval_always_required" boolean not null default false, "channel_costs" jsonb not null default '{}', "quiet_hours" jsonb null, "frequency_cap" jsonb null, "block_channel_overlap" boolean not null default false, "campaign_seq" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "companies_pkey" primary key ("id"));`);
    this.addSql(`alter table "companies" add constraint "companies_slug_unique" unique ("slug");`);

    this.addSql(`create table "teams" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "name" varchar(120) not null, "region" varchar(64) null, "created_at" timestamptz not null default now(), constraint "teams_pkey" primary key ("id"));`);
    this.addSql(`alter table "teams" add constraint "teams_company_id_name_unique" unique ("company_id", "name");`);

    this.addSql(`create table "users" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "email" varchar(254) not null, "name" varchar(200) not null, "password_hash" text not null, "role" "user_role" not null, "team_id" uuid null, "region" varchar(64) null, "active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_company_id_email_unique" unique ("company_id", "email");`);

    this.addSql(`alter table "teams" add constraint "teams_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "users" add constraint "users_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "users" add constraint "users_team_id_foreign" foreign key ("team_id") references "teams" ("id") on update cascade on delete set null;`);
  }

}
