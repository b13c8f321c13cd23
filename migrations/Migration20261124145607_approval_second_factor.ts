import { Migration } from '@mikro-orm/migrations';

export class Migration20261124145607_approval_second_factor extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "companies" add column "require_totp_for_approval" boolean not null default false;`);

    this.addSql(`alter table "refresh_tokens" add column "mfa" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "companies" drop column "require_totp_for_approval";`);

    this.addSql(`alter table "refresh_tokens" drop column "mfa";`);
  }

}
