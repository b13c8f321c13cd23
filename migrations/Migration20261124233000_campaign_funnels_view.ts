import { Migration } from '@mikro-orm/migrations';

/**
 * Seed 000's `campaign_funnels` becomes a view over the day rollups, with the same columns: every
 * stage is a sum of counters campaign_performance_metrics already holds (kept current by the fact
 * triggers in the transaction of each fact), so a second table would only be a second copy to keep
 * in step — three more upserts (day, week, month) in every ingest statement on a path that is near
 * its 5 000 events/s floor, and a way for the funnel to disagree with the dashboards. The view costs
 * the ingest nothing, is never stale, and reads one campaign's rows through the rollup's
 * (campaign_id, period, period_start, …) index. Nothing maintained the table: its rows were written
 * by hand (the demo seed's one), and go with it.
 *
 * Stages, as domain/metrics-funnel.ts defines them (per channel over the period, then summed): a
 * message channel that reports no impressions counts each message sent as one, and no reach its
 * messages delivered; engagement is distinct messages clicked, else the raw clicks a channel
 * reports; then leads, opportunities, conversions. Weeks start on Monday; days are the company's
 * local days, as in the rollups. `id` is a stable hash of (campaign, period, start), since a view
 * row has no sequence.
 */

const MESSAGE_CHANNELS = `('email', 'sms', 'push', 'whatsapp', 'webhook')`;

const VIEW = `create view "campaign_funnels" as
with per_channel as (
  select m.company_id, m.campaign_id, p.period, p.period_start, m.channel,
         sum(m.sent) as sent, sum(m.delivered) as delivered, sum(m.impressions) as impressions, sum(m.reach) as reach,
         sum(m.clicks) as clicks, sum(m.unique_clicks) as unique_clicks, sum(m.leads) as leads,
         sum(m.opportunities) as opportunities, sum(m.conversions) as conversions, max(m.updated_at) as updated_at
    from "campaign_performance_metrics" m
    cross join lateral (values ('day'::text, m.period_start),
                               ('week', date_trunc('week', m.period_start)::date),
                               ('month', date_trunc('month', m.period_start)::date)) p(period, period_start)
   where m.period = 'day' and m.user_id is null and m.team_id is null
   group by m.company_id, m.campaign_id, p.period, p.period_start, m.channel
), staged as (
  select c.*, coalesce(c.channel in ${MESSAGE_CHANNELS}, c.sent > 0) as sends from per_channel c
)
select hashtextextended(s.campaign_id::text || '/' || s.period || '/' || s.period_start::text, 0) as id,
       s.company_id, s.campaign_id, 'performance'::varchar(100) as name, s.period, s.period_start,
       case s.period when 'day' then s.period_start
                     when 'week' then s.period_start + 6
                     else (s.period_start + interval '1 month' - interval '1 day')::date end as period_end,
       sum(case when s.impressions > 0 or not s.sends then s.impressions else s.sent end)::bigint as impressions,
       sum(case when s.reach > 0 or not s.sends then s.reach else s.delivered end)::bigint as reach,
       sum(case when s.unique_clicks > 0 then s.unique_clicks else s.clicks end)::bigint as engagement,
       sum(s.leads)::bigint as leads,
       sum(s.opportunities)::bigint as opportunities,
       sum(s.conversions)::bigint as conversions,
       max(s.updated_at) as updated_at
  from staged s
 group by s.company_id, s.campaign_id, s.period, s.period_start`;

export class Migration20261124233000_campaign_funnels_view extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop table "campaign_funnels" cascade;`);
    this.addSql(`${VIEW};`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop view if exists "campaign_funnels";`);
    this.addSql(`create table "campaign_funnels" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "name" varchar(100) not null, "period" text check ("period" in ('day', 'week', 'month')) not null, "period_start" date not null, "period_end" date not null, "impressions" bigint not null default 0, "reach" bigint not null default 0, "engagement" bigint not null default 0, "leads" bigint not null default 0, "opportunities" bigint not null default 0, "conversions" bigint not null default 0, "updated_at" timestamptz not null default now());`);
    this.addSql(`alter table "campaign_funnels" add constraint "campaign_funnels_campaign_id_name_period_period_start_unique" unique ("campaign_id", "name", "period", "period_start");`);
    this.addSql(`alter table "campaign_funnels" add constraint "campaign_funnels_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_funnels" add constraint "campaign_funnels_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
  }
}
