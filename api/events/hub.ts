/**
 * Fans live events out to this replica's subscribers. Events come from the outbox (any process may
 * write them; PostgreSQL NOTIFY wakes every replica, and a slow poll covers a lost notification),
 * plus send progress of running campaigns, read from their workflows at most once a second, and
 * campaigns' changed figures from the analytics rollups (performance.ts), at most once a second.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Logger } from '../../config/logger.ts';
import { eventsAfter, type StoredEvent } from '../../db/repositories/outbox.ts';
import { campaignState } from '../campaign-lifecycle.ts';
import { PerformanceWatch } from './performance.ts';

export interface HubEvent {
  /** Outbox row id; progress events carry none (they are recomputed, not replayed). */
  id?: number;
  type: string;
  payload: Record<string, unknown>;
  at: string;
}

interface Subscriber {
  companyId: string;
  userId: string;
  send: (e: HubEvent) => void;
}

interface PgConnection {
  query: (sql: string) => Promise<unknown>;
  on: (event: 'notification' | 'error', fn: (...args: unknown[]) => void) => void;
  removeAllListeners: (event: string) => void;
}

const POLL_MS = 2000;
const PROGRESS_MS = 1000;
/** Replay covers a reconnect, not history: a day of events is kept (any replica may prune). */
const RETENTION_SQL = `delete from outbox_events where created_at < now() - interval '1 day'`;
const PRUNE_MS = 10 * 60_000;

export class EventHub {
  private readonly subs = new Set<Subscriber>();
  private lastId = 0;
  private conn: PgConnection | null = null;
  private timers: NodeJS.Timeout[] = [];
  private starting: Promise<void> | null = null;
  private draining = false;
  private lastProgress = new Map<string, string>();
  private readonly performance = new PerformanceWatch();
  private watching = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly client: Client,
    private readonly log?: Logger,
  ) {}

  async subscribe(companyId: string, userId: string, send: (e: HubEvent) => void): Promise<() => void> {
    const sub = { companyId, userId, send };
    this.subs.add(sub);
    await (this.starting ??= this.start());
    return () => {
      this.subs.delete(sub);
      if (this.subs.size === 0) void this.stop();
    };
  }

  /** What `companyId`'s user missed after `afterId`. */
  async replay(companyId: string, userId: string, afterId: number): Promise<HubEvent[]> {
    const rows = await eventsAfter(this.orm.em.getKnex(), afterId, { companyId, limit: 1000 });
    return rows.filter((r) => r.userId === null || r.userId === userId).map(toHubEvent);
  }

  private async start(): Promise<void> {
    const knex = this.orm.em.getKnex();
    const max = await knex.raw<{ rows: { id: string | null }[] }>('select max(id) as id from outbox_events');
    this.lastId = Number(max.rows[0]?.id ?? 0);
    try {
      const conn = (await knex.client.acquireConnection()) as PgConnection;
      conn.on('notification', () => void this.drain());
      conn.on('error', (err) => this.log?.warn({ err }, 'event listener connection failed; polling until the next subscriber'));
      await conn.query('LISTEN herald_events');
      this.conn = conn;
    } catch (err) {
      this.log?.warn({ err }, 'LISTEN failed; events are polled');
    }
    this.timers.push(setInterval(() => void this.drain(), POLL_MS).unref());
    this.timers.push(setInterval(() => void this.progress(), PROGRESS_MS).unref());
    this.timers.push(setInterval(() => void this.performanceUpdates(), PROGRESS_MS).unref());
    this.timers.push(setInterval(() => void knex.raw(RETENTION_SQL).catch(() => {}), PRUNE_MS).unref());
  }

  private async stop(): Promise<void> {
    await this.starting;
    if (this.subs.size > 0) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const conn = this.conn;
    this.conn = null;
    this.starting = null;
    if (conn) {
      conn.removeAllListeners('notification');
      await conn.query('UNLISTEN herald_events').catch(() => {});
      await this.orm.em.getKnex().client.releaseConnection(conn).catch(() => {});
    }
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const rows = await eventsAfter(this.orm.em.getKnex(), this.lastId, { limit: 500 });
        for (const row of rows) {
          this.lastId = row.id;
          const e = toHubEvent(row);
          for (const s of this.subs) if (s.companyId === row.companyId && (row.userId === null || row.userId === s.userId)) s.send(e);
        }
        if (rows.length < 500) break;
      }
    } catch (err) {
      this.log?.warn({ err }, 'reading live events failed');
    } finally {
      this.draining = false;
    }
  }

  /** Counts of the subscribed companies' sending campaigns, sent only when they changed. */
  private async progress(): Promise<void> {
    const companies = [...new Set([...this.subs].map((s) => s.companyId))];
    if (companies.length === 0) return;
    try {
      const res = await this.orm.em
        .getKnex()
        .raw<{ rows: { id: string; company_id: string }[] }>(`select id, company_id from campaigns where company_id = any(?) and status in ('sending', 'paused') and workflow_id is not null limit 200`, [companies]);
      await Promise.all(
        res.rows.map(async (c) => {
          const state = await campaignState(this.client, c.id).catch(() => null);
          if (!state) return;
          const key = JSON.stringify([state.status, state.counts]);
          if (this.lastProgress.get(c.id) === key) return;
          this.lastProgress.set(c.id, key);
          const e: HubEvent = { type: 'campaign.progress', payload: { campaignId: c.id, status: state.status, counts: state.counts }, at: new Date().toISOString() };
          for (const s of this.subs) if (s.companyId === c.company_id) s.send(e);
        }),
      );
    } catch (err) {
      this.log?.warn({ err }, 'reading campaign progress failed');
    }
  }

  /** campaign.performance_update for the subscribed companies' campaigns whose figures changed. */
  private async performanceUpdates(): Promise<void> {
    // A slow poll is not overlapped by the next one: that could send a campaign's change twice.
    if (this.watching) return;
    this.watching = true;
    const companies = [...new Set([...this.subs].map((s) => s.companyId))];
    try {
      for (const u of await this.performance.poll(this.orm.em.getKnex(), companies)) {
        const e: HubEvent = { type: 'campaign.performance_update', payload: u.payload, at: new Date().toISOString() };
        for (const s of this.subs) if (s.companyId === u.companyId) s.send(e);
      }
    } catch (err) {
      this.log?.warn({ err }, 'reading campaign figures failed');
    } finally {
      this.watching = false;
    }
  }
}

function toHubEvent(r: StoredEvent): HubEvent {
  return { id: r.id, type: r.type, payload: r.payload, at: r.createdAt };
}
