/**
 * Posts a subscription's due webhook deliveries, signed, and records every attempt. Called in a
 * loop by workflows/webhooks.ts (one dispatcher per subscription). At least once: a receiver
 * de-duplicates on `X-Herald-Delivery` (and each event's `id`). A failed delivery waits with
 * backoff (domain/webhook-events.ts) and does not hold back the ones behind it.
 */
import { lookup } from 'node:dns/promises';
import { Context } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../channels/webhook-signature.ts';
import { checkEndpoint, isPrivateHost, retryDelayMs } from '../domain/webhook-events.ts';
import type { DispatchInput, DispatchResult } from './campaign-types.ts';

export const DELIVERY_HEADER = 'x-herald-delivery';
const TIMEOUT_MS = 10_000;

interface Due {
  id: string;
  company_id: string;
  events: unknown[];
  attempts: number;
  give_up_after: number;
}

export function createWebhookActivities(orm: MikroORM, opts: { allowInsecure: boolean; timeBudgetMs?: number }) {
  const knex = () => orm.em.getKnex();

  /** Why `url` may not be called now, or null. Resolves the host so a public name cannot point inside. */
  async function refusal(url: string): Promise<string | null> {
    const check = checkEndpoint(url, opts.allowInsecure);
    if (!check.ok) return `endpoint ${check.reason}`;
    if (opts.allowInsecure) return null;
    try {
      const addresses = await lookup(check.url.hostname, { all: true });
      if (addresses.some((a) => isPrivateHost(a.address))) return 'endpoint resolves to a private address';
    } catch (err) {
      return `endpoint does not resolve: ${(err as Error).message}`;
    }
    return null;
  }

  async function post(url: string, secret: string, subscriptionId: string, d: Due): Promise<{ status: number | null; error: string | null }> {
    const body = JSON.stringify({ deliveryId: d.id, subscriptionId, events: d.events });
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Herald-Webhooks/1',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
          [DELIVERY_HEADER]: d.id,
          'x-herald-attempt': String(d.attempts + 1),
        },
        body,
      });
      await res.body?.cancel().catch(() => {});
      return res.status >= 200 && res.status < 300 ? { status: res.status, error: null } : { status: res.status, error: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { status: null, error: reason };
    }
  }

  async function dispatchWebhooks(input: DispatchInput): Promise<DispatchResult> {
    const sub = (
      await knex().raw<{ rows: { company_id: string; url: string; secret: string; active: boolean }[] }>(
        'select company_id, url, secret, active from webhook_subscriptions where id = ?',
        [input.subscriptionId],
      )
    ).rows[0];
    if (!sub || !sub.active) return { active: false, delivered: 0, failed: 0, nextDueInMs: null };
    const started = Date.now();
    const budget = opts.timeBudgetMs ?? 20_000;
    let delivered = 0;
    let failed = 0;
    const blocked = await refusal(sub.url);
    for (;;) {
      const due = (
        await knex().raw<{ rows: Due[] }>(
          `select id::text, company_id, events, attempts, give_up_after from webhook_deliveries
            where subscription_id = ? and status = 'pending' and next_attempt_at <= now() order by id limit 20`,
          [input.subscriptionId],
        )
      ).rows;
      if (due.length === 0) break;
      for (const d of due) {
        const t0 = Date.now();
        const outcome = blocked ? { status: null, error: blocked } : await post(sub.url, sub.secret, input.subscriptionId, d);
        const attempt = d.attempts + 1;
        const ok = outcome.error === null;
        const givenUp = !ok && attempt >= d.give_up_after;
        await knex().raw(
          `with a as (insert into webhook_attempts (company_id, delivery_id, attempt, at, status, error, duration_ms) values (?, ?, ?, ?, ?, ?, ?))
           update webhook_deliveries set attempts = ?, last_status = ?, last_error = ?,
                  status = ?, delivered_at = case when ? then now() end,
                  next_attempt_at = now() + make_interval(secs => ?)
            where id = ?`,
          [
            d.company_id, d.id, attempt, new Date(t0), outcome.status, outcome.error, Date.now() - t0,
            attempt, outcome.status, outcome.error, ok ? 'delivered' : givenUp ? 'failed' : 'pending', ok,
            ok || givenUp ? 0 : retryDelayMs(attempt) / 1000, d.id,
          ],
        );
        if (ok) delivered++;
        else failed++;
        Context.current().heartbeat({ delivered, failed });
      }
      if (Date.now() - started > budget) break;
    }
    const next = (
      await knex().raw<{ rows: { ms: string | null }[] }>(
        `select greatest(0, extract(epoch from min(next_attempt_at) - now()) * 1000)::bigint::text as ms
           from webhook_deliveries where subscription_id = ? and status = 'pending'`,
        [input.subscriptionId],
      )
    ).rows[0]!.ms;
    return { active: true, delivered, failed, nextDueInMs: next === null ? null : Number(next) };
  }

  return { dispatchWebhooks };
}
