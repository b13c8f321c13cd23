import { Migration } from '@mikro-orm/migrations';

export class Migration20261124141041_auth_sessions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "refresh_tokens" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "user_id" uuid not null, "family" uuid not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "refresh_tokens_pkey" primary key ("id"));`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_tokens_user_id_revoked_at_index" on "refresh_tokens" ("user_id", "revoked_at");`);
    this.addSql(`create index "refresh_tokens_family_index" on "refresh_tokens" ("family");`);

    this.addSql(`create table "idempotency_keys" ("id" bigserial primary key, "company_id" uuid not null, "user_id" uuid not null, "key" varchar(200) not null, "request_hash" varchar(64) not null, "status" smallint not null, "response" jsonb not null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "idempotency_keys" add constraint "idempotency_keys_company_id_user_id_key_unique" unique ("company_id", "user_id", "key");`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "idempotency_keys" add constraint "idempotency_keys_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "idempotency_keys" add constraint "idempotency_keys_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "users" add column "session_epoch" int not null default 0, add column "totp_secret" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);

    this.addSql(`drop table if exists "idempotency_keys" cascade;`);

    this.addSql(`alter table "users" drop column "session_epoch", drop column "totp_secret";`);
  }

}
