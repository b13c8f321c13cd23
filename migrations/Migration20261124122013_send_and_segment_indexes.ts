import { Migration } from '@mikro-orm/migrations';

export class Migration20261124122013_send_and_segment_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "campaign_recipients_recent_sends_idx" on "campaign_recipients" ("company_id", "sent_at", "contact_id") where "sent_at" is not null;`);

    this.addSql(`create index "contacts_company_id_created_at_index" on "contacts" ("company_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "campaign_recipients_recent_sends_idx";`);

    this.addSql(`drop index "contacts_company_id_created_at_index";`);
  }

}
