import { Migration } from '@mikro-orm/migrations';

export class Migration20261124123124_provider_rate_limits extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "provider_rate_limits" ("provider" varchar(64) not null, "rate_per_second" int not null, "burst" int not null, "tokens" double precision not null, "refilled_at" timestamptz not null default clock_timestamp(), constraint "provider_rate_limits_pkey" primary key ("provider"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "provider_rate_limits" cascade;`);
  }

}
