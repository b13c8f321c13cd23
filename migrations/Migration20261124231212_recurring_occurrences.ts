import { Migration } from '@mikro-orm/migrations';

export class Migration20261124231212_recurring_occurrences extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "campaigns" add column "recurring_parent_id" uuid null;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_recurring_parent_id_foreign" foreign key ("recurring_parent_id") references "campaigns" ("id") on update cascade on delete restrict;`);
    this.addSql(`create index "campaigns_recurring_parent_id_index" on "campaigns" ("recurring_parent_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "campaigns" drop constraint "campaigns_recurring_parent_id_foreign";`);

    this.addSql(`drop index "campaigns_recurring_parent_id_index";`);
    this.addSql(`alter table "campaigns" drop column "recurring_parent_id";`);
  }

}
