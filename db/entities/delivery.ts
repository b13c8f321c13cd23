/**
 * The high-volume tables: one recipient row per contact per channel per campaign, and the
 * append-only engagement events. Built for tens of millions of rows: bigint keys, scalar
 * references without foreign-key constraints (in PostgreSQL those are per-row triggers, checked on
 * every insert of a million-row snapshot), and only the indexes the send loop and dashboards use.
 * The tables they point at are never hard-deleted while rows exist (domain/campaign-rules.ts).
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CAMPAIGN_CHANNELS } from '../../domain/campaign-rules.ts';
import { tenantFilter } from '../tenant.ts';

export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'skipped', 'suppressed'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export const CampaignRecipientSchema = defineEntity({
  name: 'CampaignRecipient',
  tableName: 'campaign_recipients',
  filters: tenantFilter,
  uniques: [
    // What makes a double send impossible to record.
    { name: 'campaign_recipients_campaign_contact_channel_unique', properties: ['campaign', 'contact', 'channel'] },
    // The send loop walks seq ranges of one campaign.
    { name: 'campaign_recipients_campaign_seq_unique', properties: ['campaign', 'seq'] },
  ],
  indexes: [
    { name: 'campaign_recipients_campaign_status_idx', properties: ['campaign', 'status'] },
    // The frequency cap counts each contact's recent sends across campaigns at snapshot time.
    {
      name: 'campaign_recipients_recent_sends_idx',
      expression: 'create index "campaign_recipients_recent_sends_idx" on "campaign_recipients" ("company_id", "sent_at", "contact_id") where "sent_at" is not null',
    },
    { name: 'campaign_recipients_provider_message_idx', expression: 'create index "campaign_recipients_provider_message_idx" on "campaign_recipients" ("provider_message_id") where "provider_message_id" is not null' },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: p.uuid().fieldName('company_id'),
    campaign: p.uuid().fieldName('campaign_id'),
    contact: p.uuid().fieldName('contact_id'),
    channel: p.enum([...CAMPAIGN_CHANNELS]),
    seq: p.bigint('number'),
    /** The address at snapshot time: later edits of the contact do not redirect a send. */
    address: p.string().length(512).nullable(),
    variant: p.string().length(16).nullable(),
    status: p.enum([...RECIPIENT_STATUSES]).default('pending'),
    /** Why a row was skipped or suppressed, or the provider's permanent error. */
    reason: p.string().length(64).nullable(),
    providerMessageId: p.string().length(128).nullable(),
    attempts: p.smallint().default(0),
    error: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    updatedAt: p.datetime().nullable(),
  },
});
export type CampaignRecipient = InferEntity<typeof CampaignRecipientSchema>;

export const EVENT_TYPES = [
  'delivered',
  'opened',
  'clicked',
  'bounced_hard',
  'bounced_soft',
  'complained',
  'unsubscribed',
  'replied',
  'failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const MessageEventSchema = defineEntity({
  name: 'MessageEvent',
  tableName: 'message_events',
  filters: tenantFilter,
  uniques: [{ name: 'message_events_idempotency_unique', properties: ['company', 'idempotencyKey'] }],
  indexes: [
    { name: 'message_events_campaign_type_time_idx', properties: ['campaign', 'type', 'occurredAt'] },
    { name: 'message_events_recipient_idx', properties: ['recipient'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: p.uuid().fieldName('company_id'),
    campaign: p.uuid().fieldName('campaign_id'),
    recipient: p.bigint('number').fieldName('recipient_id').nullable(),
    channel: p.enum([...CAMPAIGN_CHANNELS]),
    type: p.enum([...EVENT_TYPES]),
    /** For clicks: the index of the link recorded when the message was rendered, and its URL. */
    linkIndex: p.smallint().nullable(),
    url: p.text().nullable(),
    /** Opens by mail-security scanners and image proxies: kept, but not counted as human opens. */
    automated: p.boolean().default(false),
    /** Provider event id, or a hash of the tracking token and type: a retried webhook stores once. */
    idempotencyKey: p.string().length(200),
    source: p.string().length(32),
    metadata: p.json<Record<string, unknown>>().default('{}'),
    occurredAt: p.datetime(),
    receivedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type MessageEvent = InferEntity<typeof MessageEventSchema>;
