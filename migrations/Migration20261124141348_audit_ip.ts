import { Migration } from '@mikro-orm/migrations';

export class Migration20261124141348_audit_ip extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_log" add column "ip" varchar(45) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_log" drop column "ip";`);
  }

}
