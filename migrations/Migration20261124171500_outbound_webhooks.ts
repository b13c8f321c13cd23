import { Migration } from '@mikro-orm/migrations';

/**
 * Outbound event webhooks: subscriptions, deliveries, attempts, and the statement-level triggers
 * that turn each statement's facts into deliveries in the same transaction (so a fact and its
 * webhook commit or roll back together). With no active subscription anywhere a trigger costs one
 * lookup in a small table per statement.
 */
export class Migration20261124171500_outbound_webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "webhook_subscriptions" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "url" text not null, "description" varchar(200) null, "events" text[] not null, "secret" varchar(64) not null, "active" boolean not null default true, "created_by_id" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "webhook_subscriptions_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_subscriptions_company_id_active_index" on "webhook_subscriptions" ("company_id", "active");`);

    this.addSql(`create table "webhook_deliveries" ("id" bigserial primary key, "company_id" uuid not null, "subscription_id" uuid not null, "event_count" int not null, "events" jsonb not null, "status" text check ("status" in ('pending', 'delivered', 'failed')) not null default 'pending', "attempts" smallint not null default 0, "give_up_after" smallint not null default 12, "next_attempt_at" timestamptz not null default now(), "last_status" smallint null, "last_error" text null, "created_at" timestamptz not null default now(), "delivered_at" timestamptz null);`);
    this.addSql(`create index "webhook_deliveries_due_idx" on "webhook_deliveries" ("subscription_id", "status", "next_attempt_at");`);
    this.addSql(`create index "webhook_deliveries_company_id_created_at_index" on "webhook_deliveries" ("company_id", "created_at");`);

    this.addSql(`create table "webhook_attempts" ("id" bigserial primary key, "company_id" uuid not null, "delivery_id" bigint not null, "attempt" smallint not null, "at" timestamptz not null, "status" smallint null, "error" text null, "duration_ms" int not null);`);
    this.addSql(`create index "webhook_attempts_delivery_id_attempt_index" on "webhook_attempts" ("delivery_id", "attempt");`);

    this.addSql(`alter table "webhook_subscriptions" add constraint "webhook_subscriptions_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_subscriptions" add constraint "webhook_subscriptions_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_subscription_id_foreign" foreign key ("subscription_id") references "webhook_subscriptions" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_delivery_id_foreign" foreign key ("delivery_id") references "webhook_deliveries" ("id") on update cascade on delete cascade;`);

    // One delivery per subscription and statement, in chunks of at most 500 events (domain/webhook-events.ts EVENTS_PER_DELIVERY).
    const deliver = (source: string) => `
      insert into webhook_deliveries (company_id, subscription_id, event_count, events)
      select e.company_id, e.subscription_id, count(*), jsonb_agg(e.body order by e.ord)
        from (select f.company_id, s.id as subscription_id, f.ord, f.body,
                     (row_number() over (partition by s.id order by f.ord) - 1) / 500 as chunk
                from (${source}) f
                join webhook_subscriptions s on s.company_id = f.company_id and s.active and f.type = any(s.events)) e
       group by e.company_id, e.subscription_id, e.chunk
       order by e.subscription_id, e.chunk;`;

    this.addSql(`create or replace function herald_webhooks_message_events() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from webhook_subscriptions where active) then return null; end if;
        ${deliver(`select n.company_id, n.id as ord, t.type,
                jsonb_strip_nulls(jsonb_build_object('id', 'me_' || n.id, 'type', t.type, 'occurredAt', n.occurred_at, 'campaignId', n.campaign_id,
                  'recipientId', n.recipient_id, 'channel', n.channel, 'url', n.url,
                  'automated', case when n.type in ('opened', 'clicked') then n.automated end,
                  'repeat', case when n.type in ('opened', 'clicked') then coalesce((n.metadata->>'repeat')::boolean, false) end,
                  'bounce', case n.type when 'bounced_hard' then 'hard' when 'bounced_soft' then 'soft' end)) as body
           from new_rows n
           cross join lateral (select case n.type when 'delivered' then 'message.delivered' when 'opened' then 'message.opened'
                     when 'clicked' then 'message.clicked' when 'bounced_hard' then 'message.bounced' when 'bounced_soft' then 'message.bounced'
                     when 'complained' then 'message.complained' when 'unsubscribed' then 'contact.unsubscribed' end as type) t
          where t.type is not null`)}
        return null;
      end $$;`);
    this.addSql(`create trigger message_events_webhooks after insert on "message_events" referencing new table as new_rows for each statement execute function herald_webhooks_message_events();`);

    this.addSql(`create or replace function herald_webhooks_recipients_sent() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from webhook_subscriptions where active) then return null; end if;
        ${deliver(`select n.company_id, n.id as ord, 'message.sent' as type,
                jsonb_strip_nulls(jsonb_build_object('id', 'rs_' || n.id, 'type', 'message.sent', 'occurredAt', n.sent_at, 'campaignId', n.campaign_id,
                  'recipientId', n.id, 'contactId', n.contact_id, 'channel', n.channel, 'variant', n.variant, 'providerMessageId', n.provider_message_id)) as body
           from new_rows n join old_rows o on o.id = n.id
          where o.sent_at is null and n.sent_at is not null`)}
        return null;
      end $$;`);
    this.addSql(`create trigger campaign_recipients_webhooks after update on "campaign_recipients" referencing old table as old_rows new table as new_rows for each statement execute function herald_webhooks_recipients_sent();`);

    this.addSql(`create or replace function herald_webhooks_conversions() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from webhook_subscriptions where active) then return null; end if;
        ${deliver(`select n.company_id, row_number() over (order by n.occurred_at, n.id) as ord, 'conversion.created' as type,
                jsonb_strip_nulls(jsonb_build_object('id', 'cv_' || n.id, 'type', 'conversion.created', 'occurredAt', n.occurred_at, 'campaignId', n.campaign_id,
                  'recipientId', n.recipient_id, 'contactId', n.contact_id, 'channel', n.channel, 'variant', n.variant, 'conversionType', n.type,
                  'value', n.value::text, 'currency', n.currency, 'externalId', n.external_id)) as body
           from new_rows n`)}
        return null;
      end $$;`);
    this.addSql(`create trigger conversions_webhooks after insert on "conversions" referencing new table as new_rows for each statement execute function herald_webhooks_conversions();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists conversions_webhooks on "conversions";`);
    this.addSql(`drop trigger if exists campaign_recipients_webhooks on "campaign_recipients";`);
    this.addSql(`drop trigger if exists message_events_webhooks on "message_events";`);
    this.addSql(`drop function if exists herald_webhooks_conversions();`);
    this.addSql(`drop function if exists herald_webhooks_recipients_sent();`);
    this.addSql(`drop function if exists herald_webhooks_message_events();`);
    this.addSql(`drop table if exists "webhook_attempts" cascade;`);
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);
    this.addSql(`drop table if exists "webhook_subscriptions" cascade;`);
  }

}
