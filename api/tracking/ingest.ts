/**
 * The two write paths of the public endpoints, each a group-committing batcher over one pooled
 * connection or two: hits (opens, clicks) and provider events (webhooks, unsubscribes).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { recordHits, type Hit, type HitResult } from '../../db/repositories/tracking-events.ts';
import { applyProviderEvents, type ProviderEvent } from '../../db/repositories/tracking-provider-events.ts';
import { createBatcher, type Batcher } from './batcher.ts';

/** Opens and clicks on messages older than this are not recorded, and their links no longer redirect. */
export const LINK_MAX_AGE_DAYS = 400;

export interface Ingest {
  hits: Batcher<Hit, HitResult>;
  events: Batcher<ProviderEvent, boolean>;
}

export function createIngest(orm: MikroORM, opts: { maxBatch?: number; maxInFlight?: number } = {}): Ingest {
  const maxBatch = opts.maxBatch ?? 1000;
  const maxInFlight = opts.maxInFlight ?? 2;
  return {
    hits: createBatcher((items) => recordHits(orm.em.getKnex(), items, LINK_MAX_AGE_DAYS), { maxBatch, maxInFlight }),
    events: createBatcher((items) => applyProviderEvents(orm.em.fork(), items), { maxBatch, maxInFlight }),
  };
}
