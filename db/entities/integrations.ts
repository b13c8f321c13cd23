/**
 * Outbound event webhooks (seed 001 §8). A subscription names an endpoint and the events it wants;
 * statement-level triggers on the fact tables turn each statement's matching facts into deliveries
 * (at most EVENTS_PER_DELIVERY events each) in the same transaction as the facts, so no event is
 * lost and none is invented; a dispatcher workflow per subscription posts them, signed, in order,
 * retrying with backoff, and every attempt is kept.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const WebhookSubscriptionSchema = defineEntity({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscriptions',
  filters: tenantFilter,
  indexes: [{ properties: ['company', 'active'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    url: p.text(),
    description: p.string().length(200).nullable(),
    events: p.array().columnType('text[]'),
    /** Signs every delivery (HMAC-SHA256); shown once when created or rotated. */
    secret: p.string().length(64).hidden(),
    active: p.boolean().default(true),
    createdBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type WebhookSubscription = InferEntity<typeof WebhookSubscriptionSchema>;

export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  filters: tenantFilter,
  indexes: [
    { name: 'webhook_deliveries_due_idx', properties: ['subscription', 'status', 'nextAttemptAt'] },
    { properties: ['company', 'createdAt'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    subscription: () => p.manyToOne(WebhookSubscriptionSchema).ref().deleteRule('cascade'),
    eventCount: p.integer(),
    /** `[{ type, occurredAt, … }]`: what is posted, under `events`. */
    events: p.json<Record<string, unknown>[]>(),
    status: p.enum([...WEBHOOK_DELIVERY_STATUSES]).default('pending'),
    attempts: p.smallint().default(0),
    /** Attempts after which a failing delivery is given up (MAX_DELIVERY_ATTEMPTS; a manual retry allows one more). */
    giveUpAfter: p.smallint().default(12),
    nextAttemptAt: p.datetime().defaultRaw('now()'),
    lastStatus: p.smallint().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    deliveredAt: p.datetime().nullable(),
  },
});
export type WebhookDelivery = InferEntity<typeof WebhookDeliverySchema>;

export const WebhookAttemptSchema = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempts',
  filters: tenantFilter,
  indexes: [{ properties: ['delivery', 'attempt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    delivery: () => p.manyToOne(WebhookDeliverySchema).ref().deleteRule('cascade'),
    attempt: p.smallint(),
    at: p.datetime(),
    /** HTTP status, or null when no answer came (refused, timed out, TLS error). */
    status: p.smallint().nullable(),
    error: p.text().nullable(),
    durationMs: p.integer(),
  },
});
export type WebhookAttempt = InferEntity<typeof WebhookAttemptSchema>;
