/**
 * Live events for the console (campaign created/updated/launched, status changes, send progress,
 * notifications). Whoever produces one — an API replica or a worker — inserts a row; a trigger
 * NOTIFYs `herald_events`, and every API replica streams the rows to its subscribers of that
 * company. The row id is the SSE event id, so a reconnecting client replays what it missed.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { tenantFilter } from '../tenant.ts';

export const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_events',
  filters: tenantFilter,
  indexes: [{ properties: ['company', 'id'] }, { properties: ['createdAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    type: p.string().length(64),
    /** Only for one user (a notification); null: everyone of the company. */
    userId: p.uuid().nullable(),
    payload: p.json<Record<string, unknown>>().default('{}'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type OutboxEvent = InferEntity<typeof OutboxEventSchema>;
