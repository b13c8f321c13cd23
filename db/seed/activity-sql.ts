/**
 * Set-based seeding of the high-volume rows: a newsletter's recipients and engagement events (the
 * rollups follow from them by the tables' triggers), and the suppression list implied by the
 * contacts' markers. Outcomes are hashes of the recipient's `seq`, so they are deterministic.
 */
import type { RunSql } from './sql.ts';

/**
 * One recipient per contact of the email audience, numbered by email: contacts without email
 * consent are `skipped`, about 1 % bounce, 0.5 % fail, the rest are delivered.
 * $1 company, $2 campaign, $3 start of sending.
 */
const NEWSLETTER_RECIPIENTS = `
insert into campaign_recipients (company_id, campaign_id, contact_id, channel, seq, address, variant, status, reason,
                                 provider_message_id, attempts, created_at, sent_at, delivered_at, updated_at)
select $1::uuid, $2::uuid, a.id, 'email', a.seq, a.email, null, o.status, o.reason,
       case when o.status <> 'skipped' then 'seed-' || a.seq || '@mta.example' end,
       case when o.status = 'skipped' then 0 else 1 end,
       $3::timestamptz,
       case when o.status <> 'skipped' then $3::timestamptz + make_interval(secs => a.seq / 20) end,
       case when o.status = 'delivered' then $3::timestamptz + make_interval(secs => a.seq / 20 + 2) end,
       $3::timestamptz + make_interval(secs => a.seq / 20 + 5)
from (
  select c.id, c.email, row_number() over (order by c.email) as seq,
         coalesce((c.consent -> 'email' ->> 'granted')::boolean, false) as consented
  from contacts c
  where c.company_id = $1::uuid and c.email is not null
    and c.unsubscribed_at is null and c.bounced_at is null and c.complained_at is null
) a
cross join lateral (select hashint8extended(a.seq, 4242) & 2147483647 as h) x
cross join lateral (
  select case when not a.consented then 'skipped' when x.h % 1000 < 10 then 'bounced' when x.h % 1000 < 15 then 'failed' else 'delivered' end as status,
         case when not a.consented then 'no_consent' when x.h % 1000 < 10 then 'mailbox_unavailable' when x.h % 1000 < 15 then 'provider_error' end as reason
) o`;

/**
 * Delivery events for every sent recipient of the campaign, plus opens (27 % of delivered, of which
 * 3 points by mail scanners, flagged `automated`) and clicks (4 %, always after an open).
 * $1 campaign, $2 the campaign's links.
 */
const NEWSLETTER_EVENTS = `
insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, url, automated,
                            idempotency_key, source, metadata, occurred_at)
select r.company_id, r.campaign_id, r.id, r.channel, e.type, e.link_index, e.url, e.automated,
       'seed:' || r.campaign_id || ':' || r.seq || ':' || e.type, 'seed', '{}', e.at
from campaign_recipients r
cross join lateral (select hashint8extended(r.seq, 7777) & 2147483647 as h) x
cross join lateral (
  values ('delivered', null::smallint, null::text, false, r.delivered_at, r.status = 'delivered'),
         ('bounced_hard', null, null, false, r.sent_at + interval '3 seconds', r.status = 'bounced'),
         ('failed', null, null, false, r.sent_at + interval '1 second', r.status = 'failed'),
         ('opened', null, null, x.h % 100 < 3, r.delivered_at + make_interval(mins => (x.h / 100 % 2880)::int), r.status = 'delivered' and x.h % 100 < 27),
         ('clicked', (x.h / 7 % cardinality($2::text[]))::smallint, ($2::text[])[1 + x.h / 7 % cardinality($2::text[])], false,
          r.delivered_at + make_interval(mins => (x.h / 100 % 2880 + 1 + x.h / 11 % 60)::int), r.status = 'delivered' and x.h % 100 between 3 and 6)
) as e(type, link_index, url, automated, at, keep)
where r.campaign_id = $1::uuid and e.keep`;

/** The do-not-contact list the contacts' markers and SMS STOP replies imply. $1 company. */
const SUPPRESSIONS = `
insert into suppressions (company_id, channel, address, reason, source, created_at)
select c.company_id, 'email', lower(c.email),
       case when c.complained_at is not null then 'complaint' when c.bounced_at is not null then 'hard_bounce' else 'unsubscribed' end,
       case when c.complained_at is not null then 'feedback_loop' when c.bounced_at is not null then 'provider' else 'unsubscribe_link' end,
       coalesce(c.complained_at, c.bounced_at, c.unsubscribed_at)
from contacts c
where c.company_id = $1::uuid and c.email is not null
  and (c.unsubscribed_at is not null or c.bounced_at is not null or c.complained_at is not null)
union all
select c.company_id, 'sms', c.phone, 'inbound_stop', 'sms_reply', c.created_at
from contacts c
where c.company_id = $1::uuid and c.phone is not null and c.consent -> 'sms' ->> 'source' = 'inbound_stop'
on conflict do nothing`;

export async function seedNewsletterActivity(sql: RunSql, companyId: string, campaignId: string, start: Date, links: string[]): Promise<void> {
  await sql(NEWSLETTER_RECIPIENTS, [companyId, campaignId, start.toISOString()]);
  await sql(NEWSLETTER_EVENTS, [campaignId, links]);
}

export async function seedSuppressions(sql: RunSql, companyId: string): Promise<number> {
  return (await sql(SUPPRESSIONS, [companyId])).rowCount;
}
