/**
 * Writes tracking hits (opens, clicks) in one statement per batch. The first open of a message and
 * the first click on each of its links are stored under a fixed idempotency key (`o:<id>`,
 * `c:<id>:<link>`; `oa:`/`ca:` when a machine made them), so "opened" is recorded once per
 * message; every later hit is stored too, with `metadata.repeat = true`, which is how totals are
 * counted beside uniques. The click's destination comes out of the same statement: the link
 * recorded for the message's campaign and variant, or nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from '@mikro-orm/postgresql';
import { prepared } from '../prepared.ts';

export interface Hit {
  kind: 'o' | 'c';
  recipientId: number;
  /** Link index for clicks. */
  link?: number;
  automated: boolean;
  agent: string;
  at: Date;
}

export interface HitResult {
  /** False when the message is unknown or too old, or (clicks) the link was never recorded. */
  recorded: boolean;
  /** Clicks: where to send the person. */
  url: string | null;
}

/** A hit within this long of the send is a gateway scanner, whatever its user agent says. */
const SCANNER_WINDOW = "interval '2 seconds'";

const HITS_SQL = `
with h as (
  select * from jsonb_to_recordset(?::jsonb) as h(n int, rid bigint, link int, auto boolean, agent text, at timestamptz)
), j as (
  select h.n, h.rid, h.link, h.agent, h.at, r.company_id, r.campaign_id, r.channel, l.url,
         h.auto or (r.sent_at is not null and h.at < r.sent_at + ${SCANNER_WINDOW}) as auto
  from h
  join campaign_recipients r on r.id = h.rid and r.created_at > now() - make_interval(days => ?)
  left join tracked_links l on h.link >= 0 and l.campaign_id = r.campaign_id and l.variant = coalesce(r.variant, '') and l.idx = h.link
  where h.link < 0 or l.url is not null
), k as (
  select j.*, case when j.link < 0 then 'o' else 'c' end || case when j.auto then 'a' else '' end || ':' || j.rid
              || case when j.link >= 0 then ':' || j.link else '' end as fkey
  from j
), c as (
  select k.*, row_number() over (partition by k.company_id, k.fkey order by k.n) = 1 as cand from k
), f as (
  insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, url, automated, idempotency_key, source, metadata, occurred_at)
  select company_id, campaign_id, rid, channel, case when link < 0 then 'opened' else 'clicked' end, case when link >= 0 then link end, url, auto,
         fkey, case when link < 0 then 'pixel' else 'redirect' end, jsonb_build_object('agent', agent), at
  from c where cand
  on conflict (company_id, idempotency_key) do nothing
  returning company_id, idempotency_key
), rep as (
  insert into message_events (company_id, campaign_id, recipient_id, channel, type, link_index, url, automated, idempotency_key, source, metadata, occurred_at)
  select company_id, campaign_id, rid, channel, case when link < 0 then 'opened' else 'clicked' end, case when link >= 0 then link end, url, auto,
         fkey || ':' || ? || n, case when link < 0 then 'pixel' else 'redirect' end, jsonb_build_object('agent', agent, 'repeat', true), at
  from c where not cand or not exists (select 1 from f where f.company_id = c.company_id and f.idempotency_key = c.fkey)
  returning 1
)
select n, url from c`;

/**
 * Records a batch of hits in one statement (one transaction) and says, per hit, whether it was
 * recorded and where a click goes. Hits on messages older than `maxAgeDays` are not recorded.
 */
export async function recordHits(knex: Knex, hits: Hit[], maxAgeDays: number): Promise<HitResult[]> {
  if (hits.length === 0) return [];
  const rows = hits.flatMap((h, n) =>
    // A click must name a link index (>= 0); -1 marks an open in the statement.
    h.kind === 'c' && !(Number.isInteger(h.link) && h.link! >= 0)
      ? []
      : [{ n, rid: h.recipientId, link: h.kind === 'c' ? h.link! : -1, auto: h.automated, agent: h.agent, at: h.at.toISOString() }],
  );
  // Unique per batch, so a repeat's key never collides with another batch's.
  const batchTag = `${randomBytes(6).toString('base64url')}.`;
  // Prepared: planning this statement took ~0.5 ms per batch, a third of writing 25 hits.
  const res = await prepared<{ rows: { n: number; url: string | null }[] }>(knex, HITS_SQL, [JSON.stringify(rows), maxAgeDays, batchTag]);
  const out: HitResult[] = hits.map(() => ({ recorded: false, url: null }));
  for (const r of res.rows) out[r.n] = { recorded: true, url: r.url };
  // A click without a recorded link was filtered out above, so a recorded click always has its URL.
  return out;
}
