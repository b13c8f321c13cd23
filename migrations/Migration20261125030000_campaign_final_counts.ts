import { Migration } from '@mikro-orm/migrations';

/**
 * A finished campaign keeps its recipient counts (audience, sent, failed, skipped) on its own row,
 * written once when the workflow finalises it, so pages listing many finished campaigns (a recurring
 * series' occurrences) read four integers instead of counting campaign_recipients again per request.
 * Campaigns already finished are backfilled with the same definitions finalizeRecipients uses.
 */
export class Migration20261125030000_campaign_final_counts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "campaigns" add column "audience_count" int null, add column "sent_count" int null, add column "failed_count" int null, add column "skipped_count" int null;`);
    this.addSql(`update "campaigns" k set "audience_count" = c.audience, "sent_count" = c.sent, "failed_count" = c.failed, "skipped_count" = c.skipped
      from (select campaign_id, count(*)::int as audience,
                   (count(*) filter (where status in ('sent', 'delivered', 'bounced')))::int as sent,
                   (count(*) filter (where status = 'failed'))::int as failed,
                   (count(*) filter (where status in ('skipped', 'suppressed')))::int as skipped
              from "campaign_recipients" group by campaign_id) c
     where c.campaign_id = k.id and k.status in ('completed', 'stopped');`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "campaigns" drop column "audience_count", drop column "sent_count", drop column "failed_count", drop column "skipped_count";`);
  }

}
