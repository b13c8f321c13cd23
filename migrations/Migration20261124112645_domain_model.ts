import { Migration } from '@mikro-orm/migrations';

export class Migration20261124112645_domain_model extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "campaign_recipients" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "contact_id" uuid not null, "channel" text check ("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook')) not null, "seq" bigint not null, "address" varchar(512) null, "variant" varchar(16) null, "status" text check ("status" in ('pending', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'skipped', 'suppressed')) not null default 'pending', "reason" varchar(64) null, "provider_message_id" varchar(128) null, "attempts" smallint not null default 0, "error" text null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, "delivered_at" timestamptz null, "updated_at" timestamptz null);`);
    this.addSql(`create index "campaign_recipients_campaign_status_idx" on "campaign_recipients" ("campaign_id", "status");`);
    this.addSql(`create index "campaign_recipients_provider_message_idx" on "campaign_recipients" ("provider_message_id") where "provider_message_id" is not null;`);
    this.addSql(`alter table "campaign_recipients" add constraint "campaign_recipients_campaign_contact_channel_unique" unique ("campaign_id", "contact_id", "channel");`);
    this.addSql(`alter table "campaign_recipients" add constraint "campaign_recipients_campaign_seq_unique" unique ("campaign_id", "seq");`);

    this.addSql(`create table "campaign_templates" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "code" varchar(20) not null, "name" varchar(100) not null, "description" text null, "type" text check ("type" in ('promotional', 'newsletter', 'announcement', 'product_launch', 'event', 'seasonal', 'loyalty', 'reengagement', 'survey')) not null, "channel" text check ("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook')) not null, "structure" jsonb not null default '{}', "default_settings" jsonb not null default '{}', "content" jsonb not null default '{}', "asset_references" jsonb not null default '[]', "is_active" boolean not null default true, "is_default" boolean not null default false, "usage_count" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "campaign_templates_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_templates_company_id_type_index" on "campaign_templates" ("company_id", "type");`);
    this.addSql(`alter table "campaign_templates" add constraint "campaign_templates_company_id_code_unique" unique ("company_id", "code");`);

    this.addSql(`create table "campaign_budgets" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "code" varchar(20) not null, "name" varchar(100) not null, "description" text null, "type" text check ("type" in ('marketing', 'channel', 'regional', 'product', 'event')) not null, "fiscal_year" int not null, "total_amount" numeric(18,4) not null, "currency" varchar(3) not null, "approval_threshold" numeric(18,4) not null default 0, "allocation_rules" jsonb not null default '{}', "cost_centres" jsonb not null default '[]', "is_active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "campaign_budgets_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_budgets_company_id_fiscal_year_index" on "campaign_budgets" ("company_id", "fiscal_year");`);
    this.addSql(`alter table "campaign_budgets" add constraint "campaign_budgets_company_id_code_unique" unique ("company_id", "code");`);

    this.addSql(`create table "message_events" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "recipient_id" bigint null, "channel" text check ("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook')) not null, "type" text check ("type" in ('delivered', 'opened', 'clicked', 'bounced_hard', 'bounced_soft', 'complained', 'unsubscribed', 'replied', 'failed')) not null, "link_index" smallint null, "url" text null, "automated" boolean not null default false, "idempotency_key" varchar(200) not null, "source" varchar(32) not null, "metadata" jsonb not null default '{}', "occurred_at" timestamptz not null, "received_at" timestamptz not null default now());`);
    this.addSql(`create index "message_events_campaign_type_time_idx" on "message_events" ("campaign_id", "type", "occurred_at");`);
    this.addSql(`create index "message_events_recipient_idx" on "message_events" ("recipient_id");`);
    this.addSql(`alter table "message_events" add constraint "message_events_idempotency_unique" unique ("company_id", "idempotency_key");`);

    this.addSql(`create table "suppressions" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "channel" text check ("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook')) not null, "address" varchar(512) not null, "reason" text check ("reason" in ('unsubscribed', 'hard_bounce', 'complaint', 'inbound_stop', 'manual')) not null, "source" varchar(64) not null, "created_at" timestamptz not null default now(), constraint "suppressions_pkey" primary key ("id"));`);
    this.addSql(`alter table "suppressions" add constraint "suppressions_company_id_channel_address_unique" unique ("company_id", "channel", "address");`);

    this.addSql(`create table "segments" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "name" varchar(100) not null, "description" text null, "type" text check ("type" in ('demographic', 'behavioral', 'geographic', 'psychographic', 'mixed')) not null default 'mixed', "rules" jsonb null, "last_count" int null, "counted_at" timestamptz null, "created_by_id" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "segments_pkey" primary key ("id"));`);
    this.addSql(`alter table "segments" add constraint "segments_company_id_name_unique" unique ("company_id", "name");`);

    this.addSql(`create table "notifications" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "user_id" uuid not null, "kind" varchar(64) not null, "payload" jsonb not null default '{}', "read_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "notifications_pkey" primary key ("id"));`);
    this.addSql(`create index "notifications_unread_idx" on "notifications" ("user_id", "created_at") where "read_at" is null;`);

    this.addSql(`create table "contacts" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "email" varchar(254) null, "phone" varchar(32) null, "whatsapp_number" varchar(32) null, "push_token" varchar(512) null, "first_name" varchar(100) null, "last_name" varchar(100) null, "region" varchar(64) null, "time_zone" varchar(64) null, "attributes" jsonb not null default '{}', "consent" jsonb not null default '{}', "unsubscribed_at" timestamptz null, "bounced_at" timestamptz null, "complained_at" timestamptz null, "owner_id" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "contacts_pkey" primary key ("id"));`);
    this.addSql(`create index "contacts_company_id_region_index" on "contacts" ("company_id", "region");`);
    this.addSql(`create index "contacts_attributes_gin" on "contacts" using gin ("attributes");`);
    this.addSql(`create index "contacts_company_phone_idx" on "contacts" ("company_id", "phone") where "phone" is not null;`);
    this.addSql(`alter table "contacts" add constraint "contacts_company_id_email_unique" unique ("company_id", "email");`);

    this.addSql(`create table "campaigns" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "code" varchar(50) not null, "name" varchar(200) not null, "description" text null, "type" text check ("type" in ('promotional', 'newsletter', 'announcement', 'product_launch', 'event', 'seasonal', 'loyalty', 'reengagement', 'survey')) not null, "category" text check ("category" in ('acquisition', 'awareness', 'engagement', 'conversion', 'retention', 'upsell')) null, "primary_channel" text check ("primary_channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook')) not null, "channels" text[] not null default '{}', "status" text check ("status" in ('draft', 'pending_approval', 'approved', 'scheduled', 'sending', 'paused', 'completed', 'stopped', 'cancelled', 'rejected', 'failed')) not null default 'draft', "approval_status" text check ("approval_status" in ('not_required', 'pending', 'approved', 'rejected', 'expired')) not null default 'not_required', "start_at" timestamptz not null, "end_at" timestamptz not null, "total_budget" numeric(18,4) not null default 0, "actual_spend" numeric(18,4) not null default 0, "currency" varchar(3) not null, "target_audience_size" int not null default 0, "expected_conversion_rate" numeric(7,2) not null default 0, "target_roi" numeric(9,2) not null default 0, "target_leads" int not null default 0, "target_conversions" int not null default 0, "content" jsonb not null default '{}', "sender" jsonb not null default '{}', "variants" jsonb not null default '[]', "recurrence" jsonb null, "state_version" int not null default 0, "workflow_id" varchar(128) null, "version" int not null default 1, "created_by_id" uuid not null, "updated_by_id" uuid null, "approved_by_id" uuid null, "approved_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "campaigns_pkey" primary key ("id"));`);
    this.addSql(`create index "campaigns_company_id_status_index" on "campaigns" ("company_id", "status");`);
    this.addSql(`create index "campaigns_company_id_start_at_index" on "campaigns" ("company_id", "start_at");`);
    this.addSql(`create index "campaigns_company_id_primary_channel_start_at_index" on "campaigns" ("company_id", "primary_channel", "start_at");`);
    this.addSql(`create index "campaigns_created_by_id_index" on "campaigns" ("created_by_id");`);
    this.addSql(`create unique index "campaigns_company_code_live_unique" on "campaigns" ("company_id", "code") where "deleted_at" is null;`);

    this.addSql(`create table "spend_entries" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid not null, "amount" numeric(18,4) not null, "currency" varchar(3) not null, "category" text check ("category" in ('media', 'production', 'agency', 'channel', 'other')) not null, "channel" varchar(32) null, "description" text null, "incurred_on" date not null, "created_by_id" uuid null, "created_at" timestamptz not null default now(), constraint "spend_entries_pkey" primary key ("id"));`);
    this.addSql(`create index "spend_entries_campaign_id_incurred_on_index" on "spend_entries" ("campaign_id", "incurred_on");`);

    this.addSql(`create table "orders" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid null, "contact_id" uuid null, "recipient_id" bigint null, "channel" text check ("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook')) null, "external_id" varchar(128) not null, "order_value" numeric(18,4) not null, "currency" varchar(3) not null, "product_count" int not null default 1, "status" text check ("status" in ('pending', 'completed', 'refunded', 'cancelled')) not null default 'completed', "attributed_to_message" boolean not null default false, "ordered_at" timestamptz not null, "created_at" timestamptz not null default now(), constraint "orders_pkey" primary key ("id"));`);
    this.addSql(`create index "orders_campaign_id_ordered_at_index" on "orders" ("campaign_id", "ordered_at");`);
    this.addSql(`create index "orders_contact_id_index" on "orders" ("contact_id");`);
    this.addSql(`alter table "orders" add constraint "orders_company_id_external_id_unique" unique ("company_id", "external_id");`);

    this.addSql(`create table "conversions" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid null, "contact_id" uuid null, "recipient_id" bigint null, "channel" text check ("channel" in ('email', 'sms', 'push', 'whatsapp', 'webhook')) null, "variant" varchar(16) null, "type" text check ("type" in ('sale', 'lead', 'signup', 'demo_request')) not null, "value" numeric(18,4) not null default 0, "currency" varchar(3) not null, "product_category" varchar(100) null, "external_id" varchar(128) not null, "source" varchar(32) not null, "occurred_at" timestamptz not null, "created_at" timestamptz not null default now(), constraint "conversions_pkey" primary key ("id"));`);
    this.addSql(`create index "conversions_campaign_id_type_occurred_at_index" on "conversions" ("campaign_id", "type", "occurred_at");`);
    this.addSql(`create index "conversions_contact_id_index" on "conversions" ("contact_id");`);
    this.addSql(`alter table "conversions" add constraint "conversions_company_id_external_id_unique" unique ("company_id", "external_id");`);

    this.addSql(`create table "campaign_template_links" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid not null, "template_id" uuid not null, "created_at" timestamptz not null default now(), constraint "campaign_template_links_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_template_links_template_id_index" on "campaign_template_links" ("template_id");`);
    this.addSql(`alter table "campaign_template_links" add constraint "campaign_template_links_campaign_id_template_id_unique" unique ("campaign_id", "template_id");`);

    this.addSql(`create table "campaign_segments" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid not null, "segment_id" uuid null, "name" varchar(100) not null, "type" text check ("type" in ('demographic', 'behavioral', 'geographic', 'psychographic', 'mixed')) not null default 'mixed', "demographic_criteria" jsonb null, "behavioral_criteria" jsonb null, "geographic_criteria" jsonb null, "psychographic_criteria" jsonb null, "target_count" int not null default 0, "actual_count" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "campaign_segments_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_segments_segment_id_index" on "campaign_segments" ("segment_id");`);
    this.addSql(`create index "campaign_segments_campaign_id_type_index" on "campaign_segments" ("campaign_id", "type");`);

    this.addSql(`create table "campaign_performance_metrics" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "channel" varchar(32) null, "user_id" uuid null, "team_id" uuid null, "period" text check ("period" in ('day', 'week', 'month')) not null, "period_start" date not null, "period_end" date not null, "sent" bigint not null default 0, "delivered" bigint not null default 0, "impressions" bigint not null default 0, "reach" bigint not null default 0, "opens" bigint not null default 0, "unique_opens" bigint not null default 0, "clicks" bigint not null default 0, "unique_clicks" bigint not null default 0, "bounces" bigint not null default 0, "complaints" bigint not null default 0, "unsubscribes" bigint not null default 0, "leads" bigint not null default 0, "opportunities" bigint not null default 0, "conversions" bigint not null default 0, "revenue" numeric(20,4) not null default 0, "cost" numeric(20,4) not null default 0, "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "campaign_performance_metrics_company_id_period_per_4185f_index" on "campaign_performance_metrics" ("company_id", "period", "period_start");`);
    this.addSql(`create unique index "campaign_performance_metrics_unique" on "campaign_performance_metrics" ("campaign_id", "period", "period_start", "channel", "user_id", "team_id") nulls not distinct;`);

    this.addSql(`create table "campaign_funnels" ("id" bigserial primary key, "company_id" uuid not null, "campaign_id" uuid not null, "name" varchar(100) not null, "period" text check ("period" in ('day', 'week', 'month')) not null, "period_start" date not null, "period_end" date not null, "impressions" bigint not null default 0, "reach" bigint not null default 0, "engagement" bigint not null default 0, "leads" bigint not null default 0, "opportunities" bigint not null default 0, "conversions" bigint not null default 0, "updated_at" timestamptz not null default now());`);
    this.addSql(`alter table "campaign_funnels" add constraint "campaign_funnels_campaign_id_name_period_period_start_unique" unique ("campaign_id", "name", "period", "period_start");`);

    this.addSql(`create table "campaign_collaborators" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid not null, "user_id" uuid not null, "role" text check ("role" in ('owner', 'editor', 'watcher')) not null default 'watcher', "created_at" timestamptz not null default now(), constraint "campaign_collaborators_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_collaborators_user_id_index" on "campaign_collaborators" ("user_id");`);
    this.addSql(`alter table "campaign_collaborators" add constraint "campaign_collaborators_campaign_id_user_id_unique" unique ("campaign_id", "user_id");`);

    this.addSql(`create table "campaign_budget_allocations" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid not null, "budget_id" uuid not null, "amount" numeric(18,4) not null, "cost_centre" varchar(64) null, "created_at" timestamptz not null default now(), constraint "campaign_budget_allocations_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_budget_allocations_budget_id_index" on "campaign_budget_allocations" ("budget_id");`);
    this.addSql(`alter table "campaign_budget_allocations" add constraint "campaign_budget_allocations_campaign_id_budget_id_unique" unique ("campaign_id", "budget_id");`);

    this.addSql(`create table "audit_log" ("id" bigserial primary key, "company_id" uuid not null, "actor_id" uuid null, "action" varchar(64) not null, "entity_type" varchar(64) not null, "entity_id" varchar(64) not null, "before" jsonb null, "after" jsonb null, "request_id" varchar(64) null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "audit_log_company_id_entity_type_entity_id_created_at_index" on "audit_log" ("company_id", "entity_type", "entity_id", "created_at");`);
    this.addSql(`create index "audit_log_company_id_created_at_index" on "audit_log" ("company_id", "created_at");`);

    this.addSql(`create table "approvals" ("id" uuid not null default gen_random_uuid(), "company_id" uuid not null, "campaign_id" uuid not null, "decision" text check ("decision" in ('approved', 'rejected', 'expired')) not null, "approver_id" uuid null, "comment" text null, "content_hash" varchar(64) not null, "decided_at" timestamptz not null default now(), constraint "approvals_pkey" primary key ("id"));`);
    this.addSql(`create index "approvals_campaign_id_decided_at_index" on "approvals" ("campaign_id", "decided_at");`);

    this.addSql(`alter table "campaign_templates" add constraint "campaign_templates_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "campaign_budgets" add constraint "campaign_budgets_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "suppressions" add constraint "suppressions_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "segments" add constraint "segments_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "segments" add constraint "segments_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "notifications" add constraint "notifications_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "notifications" add constraint "notifications_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "contacts" add constraint "contacts_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contacts" add constraint "contacts_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "campaigns" add constraint "campaigns_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_updated_by_id_foreign" foreign key ("updated_by_id") references "users" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_approved_by_id_foreign" foreign key ("approved_by_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "spend_entries" add constraint "spend_entries_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "spend_entries" add constraint "spend_entries_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "spend_entries" add constraint "spend_entries_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "orders" add constraint "orders_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "orders" add constraint "orders_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "orders" add constraint "orders_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "conversions" add constraint "conversions_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "conversions" add constraint "conversions_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "conversions" add constraint "conversions_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "campaign_template_links" add constraint "campaign_template_links_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_template_links" add constraint "campaign_template_links_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_template_links" add constraint "campaign_template_links_template_id_foreign" foreign key ("template_id") references "campaign_templates" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "campaign_segments" add constraint "campaign_segments_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_segments" add constraint "campaign_segments_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_segments" add constraint "campaign_segments_segment_id_foreign" foreign key ("segment_id") references "segments" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "campaign_performance_metrics" add constraint "campaign_performance_metrics_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_performance_metrics" add constraint "campaign_performance_metrics_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_performance_metrics" add constraint "campaign_performance_metrics_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "campaign_performance_metrics" add constraint "campaign_performance_metrics_team_id_foreign" foreign key ("team_id") references "teams" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "campaign_funnels" add constraint "campaign_funnels_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_funnels" add constraint "campaign_funnels_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "campaign_collaborators" add constraint "campaign_collaborators_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_collaborators" add constraint "campaign_collaborators_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_collaborators" add constraint "campaign_collaborators_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "campaign_budget_allocations" add constraint "campaign_budget_allocations_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_budget_allocations" add constraint "campaign_budget_allocations_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_budget_allocations" add constraint "campaign_budget_allocations_budget_id_foreign" foreign key ("budget_id") references "campaign_budgets" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "audit_log" add constraint "audit_log_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "approvals" add constraint "approvals_company_id_foreign" foreign key ("company_id") references "companies" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "approvals" add constraint "approvals_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "approvals" add constraint "approvals_approver_id_foreign" foreign key ("approver_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "companies" add column "scheduling_window_days" int not null default 365, add column "fiscal_year_start_month" smallint not null default 1;`);

    // The audit log is append-only: history that can be rewritten is not an audit trail.
    this.addSql(`create function "audit_log_reject_change"() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only (% rejected)', tg_op using errcode = 'insufficient_privilege'; end $$;`);
    this.addSql(`create trigger "audit_log_append_only" before update or delete on "audit_log" for each row execute function "audit_log_reject_change"();`);
    this.addSql(`create trigger "audit_log_no_truncate" before truncate on "audit_log" for each statement execute function "audit_log_reject_change"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "campaign_template_links" drop constraint "campaign_template_links_template_id_foreign";`);

    this.addSql(`alter table "campaign_budget_allocations" drop constraint "campaign_budget_allocations_budget_id_foreign";`);

    this.addSql(`alter table "campaign_segments" drop constraint "campaign_segments_segment_id_foreign";`);

    this.addSql(`alter table "orders" drop constraint "orders_contact_id_foreign";`);

    this.addSql(`alter table "conversions" drop constraint "conversions_contact_id_foreign";`);

    this.addSql(`alter table "spend_entries" drop constraint "spend_entries_campaign_id_foreign";`);

    this.addSql(`alter table "orders" drop constraint "orders_campaign_id_foreign";`);

    this.addSql(`alter table "conversions" drop constraint "conversions_campaign_id_foreign";`);

    this.addSql(`alter table "campaign_template_links" drop constraint "campaign_template_links_campaign_id_foreign";`);

    this.addSql(`alter table "campaign_segments" drop constraint "campaign_segments_campaign_id_foreign";`);

    this.addSql(`alter table "campaign_performance_metrics" drop constraint "campaign_performance_metrics_campaign_id_foreign";`);

    this.addSql(`alter table "campaign_funnels" drop constraint "campaign_funnels_campaign_id_foreign";`);

    this.addSql(`alter table "campaign_collaborators" drop constraint "campaign_collaborators_campaign_id_foreign";`);

    this.addSql(`alter table "campaign_budget_allocations" drop constraint "campaign_budget_allocations_campaign_id_foreign";`);

    this.addSql(`alter table "approvals" drop constraint "approvals_campaign_id_foreign";`);

    this.addSql(`drop table if exists "campaign_recipients" cascade;`);

    this.addSql(`drop table if exists "campaign_templates" cascade;`);

    this.addSql(`drop table if exists "campaign_budgets" cascade;`);

    this.addSql(`drop table if exists "message_events" cascade;`);

    this.addSql(`drop table if exists "suppressions" cascade;`);

    this.addSql(`drop table if exists "segments" cascade;`);

    this.addSql(`drop table if exists "notifications" cascade;`);

    this.addSql(`drop table if exists "contacts" cascade;`);

    this.addSql(`drop table if exists "campaigns" cascade;`);

    this.addSql(`drop table if exists "spend_entries" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "conversions" cascade;`);

    this.addSql(`drop table if exists "campaign_template_links" cascade;`);

    this.addSql(`drop table if exists "campaign_segments" cascade;`);

    this.addSql(`drop table if exists "campaign_performance_metrics" cascade;`);

    this.addSql(`drop table if exists "campaign_funnels" cascade;`);

    this.addSql(`drop table if exists "campaign_collaborators" cascade;`);

    this.addSql(`drop table if exists "campaign_budget_allocations" cascade;`);

    this.addSql(`drop table if exists "audit_log" cascade;`);
    this.addSql(`drop function if exists "audit_log_reject_change"();`);

    this.addSql(`drop table if exists "approvals" cascade;`);

    this.addSql(`alter table "companies" drop column "scheduling_window_days", drop column "fiscal_year_start_month";`);

  }

}
