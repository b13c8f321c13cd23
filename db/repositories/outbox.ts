/** Recording live events: one row each, in the caller's transaction when it has one (see db/entities/outbox.ts). */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { sqlOf } from '../sql.ts';

export interface LiveEvent {
  companyId: string;
  type: string;
  payload: Record<string, unknown>;
  /** Only this user sees it (a notification). */
  userId?: string | null;
}

export async function publishEvents(runner: EntityManager | Knex | Knex.Transaction, events: LiveEvent[]): Promise<void> {
  if (events.length === 0) return;
  const sql = 'getKnex' in runner ? sqlOf(runner) : runner;
  const values = events.map(() => '(?, ?, ?, ?)').join(', ');
  await sql.raw(
    `insert into outbox_events (company_id, type, user_id, payload) values ${values}`,
    events.flatMap((e) => [e.companyId, e.type, e.userId ?? null, JSON.stringify(e.payload)]),
  );
}

export interface StoredEvent {
  id: number;
  type: string;
  userId: string | null;
  companyId: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** Events after `afterId`, oldest first: what a reconnecting client missed (Last-Event-ID). */
export async function eventsAfter(sql: Knex, afterId: number, opts: { companyId?: string; limit?: number } = {}): Promise<StoredEvent[]> {
  const res = await sql.raw<{ rows: { id: string; type: string; user_id: string | null; company_id: string; payload: Record<string, unknown>; created_at: Date }[] }>(
    `select id, type, user_id, company_id, payload, created_at from outbox_events where id > ? ${opts.companyId ? 'and company_id = ?' : ''} order by id limit ?`,
    opts.companyId ? [afterId, opts.companyId, opts.limit ?? 1000] : [afterId, opts.limit ?? 1000],
  );
  return res.rows.map((r) => ({ id: Number(r.id), type: r.type, userId: r.user_id, companyId: r.company_id, payload: r.payload, createdAt: new Date(r.created_at).toISOString() }));
}
