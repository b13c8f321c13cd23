import type { EntityManager } from '@mikro-orm/postgresql';
import { MessageEventSchema, type EventType } from '../entities/index.ts';
import type { CampaignChannel } from '../../domain/campaign-rules.ts';

export interface NewEvent {
  company: string;
  campaign: string;
  recipient?: number | null;
  channel: CampaignChannel;
  type: EventType;
  idempotencyKey: string;
  source: string;
  occurredAt: Date;
  linkIndex?: number | null;
  url?: string | null;
  automated?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * Appends events in one statement; an event whose idempotency key is already stored is skipped, so
 * a webhook delivered three times is recorded once. Returns how many were new.
 */
export async function recordEvents(em: EntityManager, events: NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const res = await em
    .createQueryBuilder(MessageEventSchema)
    .insert(events.map((e) => ({ recipient: null, linkIndex: null, url: null, automated: false, metadata: {}, ...e })))
    .onConflict(['company', 'idempotencyKey'])
    .ignore()
    .execute('run');
  return res.affectedRows;
}
