import { Migration } from '@mikro-orm/migrations';

export class Migration20261124143505_outbox_events extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "outbox_events" ("id" bigserial primary key, "company_id" uuid not null, "type" varchar(64) not null, "user_id" uuid null, "payload" jsonb not null default '{}', "created_at" timestamptz not null default now());`);
    this.addSql(`create index "outbox_events_company_id_id_index" on "outbox_events" ("company_id", "id");`);
    this.addSql(`create index "outbox_events_created_at_index" on "outbox_events" ("created_at");`);

    this.addSql(`alter table "outbox_events" add constraint "outbox_events_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    // Every API replica listens on this channel and reads the new rows itself: one wake-up per
    // statement (identical notifications of a transaction are merged), not one per row.
    this.addSql(`create or replace function herald_outbox_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('herald_events', ''); return null; end $$;`);
    this.addSql(`create trigger outbox_events_notify after insert on "outbox_events" for each statement execute function herald_outbox_notify();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox_events" cascade;`);
    this.addSql(`drop function if exists herald_outbox_notify();`);
  }

}
