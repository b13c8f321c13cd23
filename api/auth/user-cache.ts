/**
 * The user rows behind access tokens, kept a moment so a busy session does not cost one database
 * round trip per request (a third of a list request's queries, and most of what the API's own share
 * of PostgreSQL's CPU went to). Sessions must still end at once when a password, role or account
 * changes, so an entry is dropped:
 * - by every replica, when PostgreSQL delivers `NOTIFY herald_users, '<user id>'`, which the code
 *   that changes those fields sends inside its own transaction (`notifyUserChanged`);
 * - by this replica at once, when it made the change itself (`forget`), before it answers;
 * - after `TTL_MS` anyway, which bounds a change made behind the API's back (plain SQL).
 * Without a live LISTEN connection nothing is kept: every request reads the row, as before. A read
 * that started before an invalidation is not stored (the generation counter), so a stale row cannot
 * slip in after the notification that should have removed it.
 */
import type { Knex, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../config/logger.ts';
import type { Role } from '../../domain/permissions.ts';
import { prepared } from '../../db/prepared.ts';

export interface UserRow {
  id: string;
  company_id: string;
  role: Role;
  active: boolean;
  session_epoch: number;
  email: string;
  name: string;
}

const CHANNEL = 'herald_users';
const TTL_MS = 2000;
const MAX_ENTRIES = 10_000;
const RETRY_MS = 2000;

interface RawConnection {
  query: (sql: string) => Promise<unknown>;
  on: (event: 'notification' | 'error' | 'end', fn: (arg: { channel?: string; payload?: string } & Error) => void) => void;
  removeAllListeners: () => void;
  connection?: { stream?: { unref?: () => void } };
}

/** Tells every replica that this user's row changed; sent with the transaction that changes it. */
export async function notifyUserChanged(sql: Knex | Knex.Transaction, userId: string): Promise<void> {
  await sql.raw(`select pg_notify('${CHANNEL}', ?)`, [userId]);
}

export class UserCache {
  private readonly rows = new Map<string, { row: UserRow; at: number }>();
  private generation = 0;
  private conn: RawConnection | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly log?: Logger,
  ) {}

  /** The user's row: from memory when LISTEN is live and the entry is fresh, else from the database. */
  async get(userId: string): Promise<UserRow | undefined> {
    if (!this.conn) {
      if (!this.closed) this.starting ??= this.listen();
      return this.read(userId);
    }
    const hit = this.rows.get(userId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.row;
    const generation = this.generation;
    const row = await this.read(userId);
    if (row && this.conn && generation === this.generation) {
      if (this.rows.size >= MAX_ENTRIES) this.rows.clear();
      this.rows.set(userId, { row, at: Date.now() });
    }
    return row;
  }

  /** Rows are being kept: the LISTEN connection is up. */
  get live(): boolean {
    return this.conn !== null;
  }

  /** Drops the user's entry here and now (the caller changed it and committed). */
  forget(userId: string): void {
    this.generation++;
    this.rows.delete(userId);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => {});
    this.drop();
  }

  private async read(userId: string): Promise<UserRow | undefined> {
    const res = await prepared<{ rows: UserRow[] }>(this.orm.em.getKnex(), `select id, company_id, role, active, session_epoch, email, name from users where id = ?`, [userId]);
    return res.rows[0];
  }

  /** A connection of its own, outside the pool (it is held for good), that keeps the process alive no longer. */
  private async listen(): Promise<void> {
    const client = this.orm.em.getKnex().client as { acquireRawConnection: () => Promise<RawConnection>; destroyRawConnection: (c: RawConnection) => Promise<void> };
    try {
      const conn = await client.acquireRawConnection();
      conn.connection?.stream?.unref?.();
      const lost = (err?: Error) => {
        if (this.conn !== conn) return;
        this.log?.warn({ err }, 'user cache: LISTEN connection lost; reading every user row until it is back');
        this.drop();
        if (!this.closed) setTimeout(() => (this.starting = null), RETRY_MS).unref();
      };
      conn.on('notification', (n) => {
        if (n.channel !== CHANNEL) return;
        this.generation++;
        if (n.payload) this.rows.delete(n.payload);
        else this.rows.clear();
      });
      conn.on('error', lost);
      conn.on('end', () => lost());
      await conn.query(`LISTEN ${CHANNEL}`);
      if (this.closed) {
        await client.destroyRawConnection(conn).catch(() => {});
        return;
      }
      this.conn = conn;
    } catch (err) {
      this.log?.warn({ err }, 'user cache: LISTEN failed; reading every user row');
      if (!this.closed) setTimeout(() => (this.starting = null), RETRY_MS).unref();
    }
  }

  private drop(): void {
    const conn = this.conn;
    this.conn = null;
    this.generation++;
    this.rows.clear();
    if (conn) {
      conn.removeAllListeners();
      conn.on('error', () => {});
      void (this.orm.em.getKnex().client as { destroyRawConnection: (c: RawConnection) => Promise<void> }).destroyRawConnection(conn).catch(() => {});
    }
  }
}
