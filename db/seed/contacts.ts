/**
 * Set-based contact generation: one `INSERT … SELECT … FROM generate_series` per batch, every value a
 * pure function of the row number `n` (through `hashint8extended(n, salt)`, the hash PostgreSQL's
 * hash partitioning relies on, so it is stable across versions and platforms) and of `asOf`, the
 * instant the dates count back from. Same numbers and `asOf` in, same rows out; the demo seed and
 * the large-volume generator (scripts/seed.ts) share it.
 *
 * Times are whole days plus at most 23 hours before `asOf`, so a `within_last N days` rule counts
 * exactly the contacts whose day offset is below N for an hour after seeding: tests can rely on it.
 */
import type { RunSql } from './sql.ts';

export const REGIONS = ['East', 'Central', 'West', 'North', 'South'] as const;
export const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;

export interface ContactBatch {
  companyId: string;
  /** First and last row number, inclusive: row n gets the email `<first>.<last>.<n>@<domain>`. */
  from: number;
  to: number;
  asOf: Date;
  emailDomain: string;
  /** Mixed into every hash, so two companies seeded with the same numbers get different people. */
  salt?: number;
}

const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'William', 'Mia', 'Benjamin',
  'Charlotte', 'Lucas', 'Amelia', 'Henry', 'Harper', 'Theodore', 'Evelyn', 'Jack', 'Priya', 'Arjun', 'Aisha',
  'Mateo', 'Sofia', 'Diego', 'Mei', 'Hiroshi', 'Fatima', 'Omar', 'Grace', 'Daniel', 'Chloe', 'Samuel', 'Zoe',
  'David', 'Nora', 'Joseph', 'Lily', 'Carlos', 'Hannah', 'Ethan', 'Layla', 'Aiden', 'Riya', 'Kwame', 'Ingrid', 'Luca',
] as const;

const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Patel', 'Nguyen', 'Kim', 'Chen', 'Sharma', 'Okafor', 'Muller', 'Rossi', 'Tanaka',
  'Silva', 'Novak', 'Haddad',
] as const;

const INTERESTS = ['apparel', 'footwear', 'electronics', 'home', 'garden', 'beauty', 'sports', 'toys', 'grocery', 'outdoor'] as const;

/*
 * $1 company, $2 first n, $3 last n, $4 asOf, $5 email domain, $6 first names, $7 last names,
 * $8 interests, $9 salt. `h.*` are independent 31-bit hashes of n; `d` derives the row's facts
 * once so that consent, markers and attributes agree with each other.
 */
const INSERT_CONTACTS = `
insert into contacts (company_id, email, phone, whatsapp_number, push_token, first_name, last_name, region, time_zone,
                      attributes, consent, unsubscribed_at, bounced_at, complained_at, created_at, updated_at)
select $1::uuid,
       case when d.has_email then lower(d.first_name || '.' || d.last_name) || '.' || g.n || '@' || $5::text end,
       d.phone,
       case when d.phone is not null and h.h9 % 100 < 40 then d.phone end,
       case when h.h10 % 100 < 30 then 'push_' || to_hex(hashint8extended(g.n, $9::bigint + 99)) end,
       d.first_name, d.last_name, d.region,
       case d.region
         when 'East' then (array['America/New_York', 'America/Detroit'])[1 + h.h4 % 2]
         when 'Central' then 'America/Chicago'
         when 'West' then (array['America/Los_Angeles', 'America/Phoenix'])[1 + h.h4 % 2]
         when 'North' then (array['America/Chicago', 'America/Denver'])[1 + h.h4 % 2]
         else (array['America/New_York', 'America/Chicago'])[1 + h.h4 % 2]
       end,
       jsonb_strip_nulls(jsonb_build_object(
         'tier', d.tier,
         'dealer', d.dealer,
         'lifting_mt', case when d.dealer then round((h.h7 % 1000) * (h.h7 % 1000) / 2000.0, 1) end,
         'last_purchase_at', case when h.h8 % 100 < 85 then to_char(greatest(d.created_at, $4::timestamptz - make_interval(days => (h.h8 / 100 % (h.h11 % 730 + 1))::int, hours => (h.h8 / 73100 % 23)::int)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') end,
         'orders_count', case when h.h8 % 100 < 85 then 1 + h.h11 % 40 end,
         'lifetime_value', case when h.h8 % 100 < 85 then round((h.h12 % 500000) / 100.0, 2) else 0 end,
         'interests', to_jsonb(array_remove(array[($8::text[])[1 + h.h13 % 10], case when h.h13 / 10 % 2 = 0 then ($8::text[])[1 + h.h13 / 20 % 10] end], null))
       )),
       jsonb_strip_nulls(jsonb_build_object(
         'email', case when d.has_email then jsonb_build_object(
           'granted', not d.unsubscribed and h.h14 % 100 < 93,
           'source', case when d.unsubscribed then 'unsubscribe_link' else (array['signup_form', 'checkout', 'import', 'api'])[1 + h.h14 / 100 % 4] end,
           'at', to_char((case when d.unsubscribed then d.unsubscribed_at else d.created_at end) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) end,
         'sms', case when d.phone is not null then jsonb_build_object(
           'granted', h.h15 % 100 < 60,
           'source', case when h.h15 % 100 < 60 then (array['checkout', 'keyword_optin', 'import'])[1 + h.h15 / 100 % 3] else 'inbound_stop' end,
           'at', to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) end,
         'push', case when h.h10 % 100 < 30 then jsonb_build_object(
           'granted', true, 'source', 'app', 'at', to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) end
       )),
       d.unsubscribed_at,
       case when d.has_email and h.h16 % 1000 < 15 then d.created_at + make_interval(days => (h.h16 / 1000 % 30)::int) end,
       case when d.has_email and h.h16 % 1000 between 15 and 16 then d.created_at + make_interval(days => 1 + (h.h16 / 1000 % 30)::int) end,
       d.created_at,
       greatest(d.created_at, coalesce(d.unsubscribed_at, d.created_at))
from generate_series($2::bigint, $3::bigint) as g(n)
cross join lateral (
  select (hashint8extended(g.n, $9::bigint + 1) & 2147483647) as h1, (hashint8extended(g.n, $9::bigint + 2) & 2147483647) as h2,
         (hashint8extended(g.n, $9::bigint + 3) & 2147483647) as h3, (hashint8extended(g.n, $9::bigint + 4) & 2147483647) as h4,
         (hashint8extended(g.n, $9::bigint + 5) & 2147483647) as h5, (hashint8extended(g.n, $9::bigint + 6) & 2147483647) as h6,
         (hashint8extended(g.n, $9::bigint + 7) & 2147483647) as h7, (hashint8extended(g.n, $9::bigint + 8) & 2147483647) as h8,
         (hashint8extended(g.n, $9::bigint + 9) & 2147483647) as h9, (hashint8extended(g.n, $9::bigint + 10) & 2147483647) as h10,
         (hashint8extended(g.n, $9::bigint + 11) & 2147483647) as h11, (hashint8extended(g.n, $9::bigint + 12) & 2147483647) as h12,
         (hashint8extended(g.n, $9::bigint + 13) & 2147483647) as h13, (hashint8extended(g.n, $9::bigint + 14) & 2147483647) as h14,
         (hashint8extended(g.n, $9::bigint + 15) & 2147483647) as h15, (hashint8extended(g.n, $9::bigint + 16) & 2147483647) as h16,
         (hashint8extended(g.n, $9::bigint + 17) & 2147483647) as h17
) h
cross join lateral (
  select ($6::text[])[1 + h.h1 % cardinality($6::text[])] as first_name,
         ($7::text[])[1 + h.h2 % cardinality($7::text[])] as last_name,
         case when h.h3 % 100 < 30 then 'East' when h.h3 % 100 < 52 then 'Central' when h.h3 % 100 < 77 then 'West'
              when h.h3 % 100 < 89 then 'North' else 'South' end as region,
         case when h.h5 % 100 < 45 then 'bronze' when h.h5 % 100 < 75 then 'silver' when h.h5 % 100 < 93 then 'gold' else 'platinum' end as tier,
         h.h6 % 100 < 20 as dealer,
         h.h17 % 100 >= 4 as has_email,
         case when h.h9 % 100 < 90 then '+1' || (200 + h.h9 / 100 % 800) || lpad((g.n % 10000000)::text, 7, '0') end as phone,
         $4::timestamptz - make_interval(days => (h.h11 % 730)::int, secs => (h.h11 / 730 % 82800)::int) as created_at,
         h.h16 % 1000 >= 970 and h.h17 % 100 >= 4 as unsubscribed,
         case when h.h16 % 1000 >= 970 and h.h17 % 100 >= 4
              then $4::timestamptz - make_interval(days => (h.h11 % 730 * (h.h16 % 30) / 30)::int, secs => (h.h11 / 730 % 82800)::int) end as unsubscribed_at
) d
on conflict (company_id, email) do nothing`;

/**
 * Inserts rows `from..to` in one statement; returns how many were inserted. A row whose email the
 * company already has is skipped (so topping up a company twice never fails half-way).
 */
export async function insertContacts(sql: RunSql, batch: ContactBatch): Promise<number> {
  if (!Number.isSafeInteger(batch.from) || !Number.isSafeInteger(batch.to) || batch.from < 1 || batch.to < batch.from) {
    throw new RangeError(`contact rows ${batch.from}..${batch.to}: need 1 <= from <= to`);
  }
  const res = await sql(INSERT_CONTACTS, [
    batch.companyId,
    batch.from,
    batch.to,
    batch.asOf.toISOString(),
    batch.emailDomain,
    FIRST_NAMES,
    LAST_NAMES,
    INTERESTS,
    batch.salt ?? 0,
  ]);
  return res.rowCount;
}

/** Where a company's generated contacts get their addresses and hash salt, by company slug. */
export function contactProfile(slug: string): { emailDomain: string; salt: number } {
  const known: Record<string, { emailDomain: string; salt: number }> = {
    'acme-retail': { emailDomain: 'example.com', salt: 0 },
    'aurelia-jewels': { emailDomain: 'example.net', salt: 1000 },
  };
  if (known[slug]) return known[slug];
  // FNV-1a of the slug: a stable salt per company, spaced so salt + 1..17 never overlap another's.
  let h = 0x811c9dc5;
  for (const ch of slug) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return { emailDomain: `${slug}.example`, salt: (h % 1_000_000) * 100 };
}
