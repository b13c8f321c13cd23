/**
 * `Idempotency-Key` on creates: the first answer is stored with the change, in the same
 * transaction, and replayed for every retry of the same request. The same key with a different
 * request is a client bug and gets a 422 naming the header.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '../domain/errors.ts';
import { sqlOf } from '../db/sql.ts';
import type { Caller } from './context.ts';

export interface Stored<T> {
  status: number;
  body: T;
  replayed: boolean;
}

async function find<T>(em: EntityManager, caller: Caller, key: string): Promise<{ hash: string; status: number; body: T } | null> {
  const res = await sqlOf(em).raw<{ rows: { request_hash: string; status: number; response: T }[] }>(
    `select request_hash, status, response from idempotency_keys where company_id = ? and user_id = ? and key = ?`,
    [caller.companyId, caller.userId, key],
  );
  const r = res.rows[0];
  return r ? { hash: r.request_hash, status: r.status, body: r.response } : null;
}

export async function idempotent<T>(
  em: EntityManager,
  caller: Caller,
  key: string | undefined,
  request: unknown,
  run: (tx: EntityManager) => Promise<{ status: number; body: T }>,
): Promise<Stored<T>> {
  if (!key) return { ...(await em.transactional(run)), replayed: false };
  if (key.length > 200) throw ValidationError.field('Idempotency-Key', 'must be at most 200 characters');
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const replay = (found: { hash: string; status: number; body: T }): Stored<T> => {
    if (found.hash !== hash) throw ValidationError.field('Idempotency-Key', 'was already used for a different request; use a new key for a new request', 'idempotency_key_reused');
    return { status: found.status, body: found.body, replayed: true };
  };
  const before = await find<T>(em, caller, key);
  if (before) return replay(before);
  try {
    const result = await em.transactional(async (tx) => {
      const out = await run(tx);
      await sqlOf(tx).raw(`insert into idempotency_keys (company_id, user_id, key, request_hash, status, response) values (?, ?, ?, ?, ?, ?)`, [
        caller.companyId,
        caller.userId,
        key,
        hash,
        out.status,
        JSON.stringify(out.body),
      ]);
      return out;
    });
    // Keys protect retries, which come within minutes: a day is plenty. Pruned now and then, by whoever creates.
    if (Math.random() < 0.01) await sqlOf(em).raw(`delete from idempotency_keys where created_at < now() - interval '1 day'`).catch(() => {});
    return { ...result, replayed: false };
  } catch (err) {
    // A concurrent retry with the same key won the race: its answer is the answer.
    if ((err as { code?: string }).code === '23505' || /idempotency_keys_company_id_user_id_key_unique/.test(String(err))) {
      const winner = await find<T>(em, caller, key);
      if (winner) return replay(winner);
    }
    throw err;
  }
}
