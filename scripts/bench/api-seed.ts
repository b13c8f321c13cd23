/**
 * The company `bench:api` measures against: an admin and a manager (who "created" the campaigns, so
 * the admin's approval queue is not empty), `contacts` contacts over five regions, and `campaigns`
 * campaigns in mixed states, channels and dates, a pending-approval one in every 25. Set-based
 * inserts, then VACUUM ANALYZE, so plans are what a settled database would use.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { CAMPAIGN_CHANNELS, CAMPAIGN_TYPES } from '../../domain/campaign-rules.ts';

export interface BenchCompany {
  id: string;
  adminId: string;
  adminEmail: string;
  contacts: number;
  campaigns: number;
  /** e.g. "scheduled 250, completed 200, …" */
  byStatus: string;
  /** A scheduled e-mail campaign with no workflow run (the stack has no worker to answer a query). */
  sampleCampaignId: string;
}

// Weighted mix for the campaigns that are not pending approval (indexed by i*7 % 20).
const STATUS_MIX = [
  'draft', 'draft', 'scheduled', 'scheduled', 'scheduled', 'sending', 'sending', 'completed', 'completed', 'completed',
  'completed', 'paused', 'approved', 'stopped', 'cancelled', 'rejected', 'failed', 'draft', 'scheduled', 'completed',
];
const CHANNEL_MIX = ['email', 'email', 'email', 'sms', 'push', 'whatsapp', 'webhook'];

export async function seedBenchCompany(orm: MikroORM, opts: { contacts: number; campaigns: number; passwordHash: string }): Promise<BenchCompany> {
  if (!CHANNEL_MIX.every((c) => (CAMPAIGN_CHANNELS as readonly string[]).includes(c))) throw new Error('unknown channel in CHANNEL_MIX');
  const knex = orm.em.getKnex();
  const rows = async <T>(sql: string, params: unknown[] = []) => (await knex.raw<{ rows: T[] }>(sql, params as never)).rows;
  const [company] = await rows<{ id: string }>(
    `insert into companies (name, slug, approval_threshold, channel_costs) values ('Bench API', 'bench-api', 1000, '{"email":"0.001","sms":"0.0075"}') returning id`,
  );
  const adminEmail = 'admin@bench-api.example';
  const [admin] = await rows<{ id: string }>(
    `insert into users (company_id, email, name, password_hash, role) values (?, ?, 'Bench Admin', ?, 'admin') returning id`,
    [company!.id, adminEmail, opts.passwordHash],
  );
  const [manager] = await rows<{ id: string }>(
    `insert into users (company_id, email, name, password_hash, role) values (?, 'manager@bench-api.example', 'Bench Manager', ?, 'manager') returning id`,
    [company!.id, opts.passwordHash],
  );

  await knex.raw(
    `insert into contacts (company_id, email, phone, first_name, last_name, region, time_zone, attributes, consent, created_at)
     select ?, 'contact' || i || '@bench-api.example', '+1555' || lpad(i::text, 7, '0'), 'First' || i, 'Last' || (i % 997),
            (array['East','West','North','South','Central'])[1 + i % 5], 'UTC',
            jsonb_build_object('tier', (array['gold','silver','bronze'])[1 + i % 3], 'orders', i % 40),
            '{"email":{"granted":true,"source":"bench","at":"2026-01-01T00:00:00Z"},"sms":{"granted":true,"source":"bench","at":"2026-01-01T00:00:00Z"}}',
            now() - (i % 720) * interval '1 hour'
       from generate_series(1, ?::int) i`,
    [company!.id, opts.contacts],
  );

  await knex.raw(
    `with g as (
       select i,
              case when i % 25 = 0 then 'pending_approval' else (?::text[])[1 + (i * 7) % 20] end as status,
              (?::text[])[1 + i % ?::int] as channel
         from generate_series(1, ?::int) i)
     insert into campaigns (company_id, code, name, description, type, primary_channel, channels, status, approval_status, start_at, end_at,
                            total_budget, currency, target_audience_size, content, created_by_id, created_at, updated_at)
     select ?, 'BENCH-' || lpad(i::text, 5, '0'), 'Bench campaign ' || i, 'Generated for bench:api',
            (?::text[])[1 + i % ?::int], channel, array[channel], status,
            case when status = 'pending_approval' then 'pending'
                 when status in ('approved','scheduled','sending','paused','completed') then 'approved'
                 when status = 'rejected' then 'rejected' else 'not_required' end,
            now() + ((i * 37) % 360 - 180) * interval '1 day', now() + ((i * 37) % 360 - 173) * interval '1 day',
            (i * 137) % 5000 + 0.5, 'USD', (i * 53) % 10000,
            case when channel = 'email' then jsonb_build_object('email', jsonb_build_object('subject', 'Offer ' || i, 'html', '<p>Hello {{firstName}}</p>'))
                 else jsonb_build_object(channel, jsonb_build_object('body', 'Offer ' || i, 'title', 'Offer', 'url', 'https://shop.example', 'payload', '{}')) end,
            case when status = 'pending_approval' or i % 3 <> 0 then ?::uuid else ?::uuid end,
            now() - (i % 400) * interval '1 hour', now() - (i % 300) * interval '1 minute'
       from g`,
    [STATUS_MIX, CHANNEL_MIX, CHANNEL_MIX.length, opts.campaigns, company!.id, [...CAMPAIGN_TYPES], CAMPAIGN_TYPES.length, manager!.id, admin!.id],
  );
  await knex.raw('vacuum analyze');

  const counts = await rows<{ status: string; n: string }>(`select status, count(*) as n from campaigns where company_id = ? group by status order by count(*) desc`, [company!.id]);
  const [sample] = await rows<{ id: string }>(
    `select id from campaigns where company_id = ? and status = 'scheduled' and primary_channel = 'email' and workflow_id is null order by code limit 1`,
    [company!.id],
  );
  if (!sample) throw new Error('no scheduled e-mail campaign was generated: raise --campaigns');
  return {
    id: company!.id,
    adminId: admin!.id,
    adminEmail,
    contacts: opts.contacts,
    campaigns: opts.campaigns,
    byStatus: counts.map((c) => `${c.status} ${c.n}`).join(', '),
    sampleCampaignId: sample.id,
  };
}
