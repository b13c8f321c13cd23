/**
 * A messages-per-second limit per provider that holds across every worker: a token bucket in one
 * PostgreSQL row, refilled by elapsed time and drawn from in small grants (about 50 ms of rate at a
 * time), so the database sees a few statements per second, not one per message.
 */
import type { Knex } from '@mikro-orm/postgresql';

export interface RateLimiter {
  /** Resolves when one more message may leave. */
  take(): Promise<void>;
}

export const UNLIMITED: RateLimiter = { take: async () => {} };

export function createRateLimiter(knex: () => Knex, provider: string, ratePerSecond: number): RateLimiter {
  const burst = Math.max(1, Math.ceil(ratePerSecond / 10));
  const grantSize = Math.max(1, Math.floor(ratePerSecond / 20));
  let local = 0;
  let ready: Promise<void> | undefined;

  const ensureRow = () =>
    (ready ??= knex()
      .raw(
        `insert into provider_rate_limits (provider, rate_per_second, burst, tokens) values (?, ?, ?, 0)
         on conflict (provider) do update set rate_per_second = excluded.rate_per_second, burst = excluded.burst`,
        [provider, ratePerSecond, burst],
      )
      .then(() => undefined));

  async function acquire(): Promise<number> {
    const res = await knex().raw<{ rows: { granted: number; avail: number }[] }>(
      `update provider_rate_limits p set tokens = c.avail - c.granted, refilled_at = clock_timestamp()
       from (
         select provider, avail, greatest(0, least(?::int, floor(avail)::int)) as granted from (
           select provider, least(burst, tokens + extract(epoch from clock_timestamp() - refilled_at) * rate_per_second) as avail
           from provider_rate_limits where provider = ? for update
         ) a
       ) c
       where p.provider = c.provider
       returning c.granted, c.avail`,
      [grantSize, provider],
    );
    const row = res.rows[0];
    if (!row) throw new Error(`no rate limit row for ${provider}`);
    if (row.granted > 0) return row.granted;
    // Wait for about one grant's worth of tokens to accrue.
    await new Promise((r) => setTimeout(r, Math.max(5, ((grantSize - row.avail) / ratePerSecond) * 1000)));
    return 0;
  }

  let pending: Promise<void> | undefined;
  return {
    async take() {
      await ensureRow();
      while (local <= 0) {
        // One refill at a time per process; concurrent senders share what it brings.
        pending ??= (async () => {
          local += await acquire();
        })().finally(() => {
          pending = undefined;
        });
        await pending;
      }
      local -= 1;
    },
  };
}
