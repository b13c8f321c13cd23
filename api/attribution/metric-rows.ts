/**
 * Daily figures of a tracked-only channel as they arrive (JSON or CSV), checked and normalised, and
 * the one upsert both paths use: one row per campaign, channel and day, replaced on a re-post.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { isTrackedChannel, TRACKED_CHANNELS } from '../../domain/campaign-rules.ts';
import type { FieldIssue } from '../../domain/errors.ts';
import { normalizeAmount } from '../../domain/money.ts';
import { ValidationError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';

export const COUNT_FIELDS = ['impressions', 'reach', 'clicks', 'leads', 'qualifiedLeads', 'conversions'] as const;
export const MONEY_FIELDS = ['revenue', 'spend'] as const;
export type CountField = (typeof COUNT_FIELDS)[number];
export type MoneyField = (typeof MONEY_FIELDS)[number];

export interface MetricDay {
  day: string;
  channel: string;
  impressions: number;
  reach: number;
  clicks: number;
  leads: number;
  qualifiedLeads: number;
  conversions: number;
  revenue: string;
  spend: string;
}

export interface RawMetricDay {
  day: string;
  channel?: string;
  counts: Partial<Record<CountField, number>>;
  money: Partial<Record<MoneyField, string>>;
}

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const isCalendarDay = (v: string) => DAY_PATTERN.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

export interface TrackedCampaign {
  id: string;
  currency: string;
  channel: string;
}

/**
 * Checks and completes each day: the channel (the campaign's own when it is tracked-only), money in
 * the campaign's currency, qualified leads within leads, and one row per channel and day.
 * `name(i, field)` says how the caller's input names a field (a JSON path or a CSV line and column).
 */
export function completeDays(raw: readonly RawMetricDay[], campaign: TrackedCampaign, name: (i: number, field: string) => string, prior: readonly FieldIssue[] = []): MetricDay[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  const out = raw.map((r, i) => {
    const channel = r.channel ?? (isTrackedChannel(campaign.channel) ? campaign.channel : undefined);
    if (channel === undefined) issues.push({ field: name(i, 'channel'), message: `is required: this campaign sends on ${campaign.channel}, so say which tracked channel (${TRACKED_CHANNELS.join(', ')})` });
    else if (!isTrackedChannel(channel)) {
      issues.push({ field: name(i, 'channel'), message: `must be a tracked-only channel (${TRACKED_CHANNELS.join(', ')}): the figures of sending channels come from the messages themselves` });
    }
    if (!isCalendarDay(r.day)) issues.push({ field: name(i, 'day'), message: 'must be a date such as 2026-12-01' });
    const key = `${channel}|${r.day}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) issues.push({ field: name(i, 'day'), message: `${r.day} on ${channel} appears twice (also ${name(earlier, 'day')})` });
    else seen.set(key, i);
    const money = (f: MoneyField) => {
      try {
        const v = normalizeAmount(r.money[f] ?? '0', campaign.currency, name(i, f));
        if (v.startsWith('-')) issues.push({ field: name(i, f), message: 'must not be negative' });
        return v;
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        issues.push(...e.issues);
        return '0';
      }
    };
    const counts = Object.fromEntries(COUNT_FIELDS.map((f) => [f, r.counts[f] ?? 0])) as Record<CountField, number>;
    if (counts.qualifiedLeads > counts.leads) issues.push({ field: name(i, 'qualifiedLeads'), message: `${counts.qualifiedLeads} qualified leads are more than the ${counts.leads} leads` });
    return { day: r.day, channel: channel ?? '', ...counts, revenue: money('revenue'), spend: money('spend') };
  });
  // Issues found while reading (a CSV cell that is not a number) come first, then these, by position.
  if (prior.length + issues.length > 0) throw new ValidationError([...prior, ...issues].sort((a, b) => order(a.field) - order(b.field)));
  return out;
}

/** The line number in "line 12: clicks", so a CSV's issues read top to bottom; JSON paths keep their order. */
const order = (field: string) => Number(/^line (\d+)/.exec(field)?.[1] ?? 0);

export interface StoredDay extends MetricDay {
  source: 'api' | 'csv';
  updatedAt: string;
}

interface Row {
  day: string;
  channel: string;
  impressions: string;
  reach: string;
  clicks: string;
  leads: string;
  qualified_leads: string;
  conversions: string;
  revenue: string;
  spend: string;
  source: 'api' | 'csv';
  updated_at: Date;
}

const toDay = (r: Row, currency: string): StoredDay => ({
  day: r.day,
  channel: r.channel,
  impressions: Number(r.impressions),
  reach: Number(r.reach),
  clicks: Number(r.clicks),
  leads: Number(r.leads),
  qualifiedLeads: Number(r.qualified_leads),
  conversions: Number(r.conversions),
  revenue: normalizeAmount(r.revenue, currency),
  spend: normalizeAmount(r.spend, currency),
  source: r.source,
  updatedAt: new Date(r.updated_at).toISOString(),
});

const SELECT = `select to_char(day, 'YYYY-MM-DD') as day, channel, impressions, reach, clicks, leads, qualified_leads, conversions, revenue::text as revenue, spend::text as spend, source, updated_at
  from campaign_channel_metrics`;

/** The stored days of a campaign, optionally only the (channel, day) pairs given, oldest first. */
export async function storedDays(em: EntityManager, companyId: string, campaign: TrackedCampaign, only?: readonly MetricDay[]): Promise<StoredDay[]> {
  const filter = only ? ` and (channel, day) in (select x.channel, x.day from jsonb_to_recordset(?::jsonb) as x(channel text, day date))` : '';
  const params: unknown[] = [companyId, campaign.id, ...(only ? [JSON.stringify(only.map((d) => ({ channel: d.channel, day: d.day })))] : [])];
  const res = await sqlOf(em).raw<{ rows: Row[] }>(`${SELECT} where company_id = ? and campaign_id = ?${filter} order by day, channel`, params as never[]);
  return res.rows.map((r) => toDay(r, campaign.currency));
}

/** Replaces (or creates) each day in one statement. */
export async function upsertDays(em: EntityManager, companyId: string, campaignId: string, days: readonly MetricDay[], source: 'api' | 'csv', userId: string | null): Promise<void> {
  await sqlOf(em).raw(
    `insert into campaign_channel_metrics (company_id, campaign_id, channel, day, impressions, reach, clicks, leads, qualified_leads, conversions, revenue, spend, source, updated_at, updated_by)
     select ?, ?, x.channel, x.day, x.impressions, x.reach, x.clicks, x.leads, x."qualifiedLeads", x.conversions, x.revenue, x.spend, ?, now(), ?
       from jsonb_to_recordset(?::jsonb) as x(channel text, day date, impressions bigint, reach bigint, clicks bigint, leads bigint, "qualifiedLeads" bigint, conversions bigint,
                                             revenue numeric, spend numeric)
      order by x.channel, x.day
     on conflict (campaign_id, channel, day) do update set
       impressions = excluded.impressions, reach = excluded.reach, clicks = excluded.clicks, leads = excluded.leads, qualified_leads = excluded.qualified_leads,
       conversions = excluded.conversions, revenue = excluded.revenue, spend = excluded.spend, source = excluded.source, updated_at = excluded.updated_at,
       updated_by = excluded.updated_by`,
    [companyId, campaignId, source, userId, JSON.stringify(days)],
  );
}

export const sameFigures = (a: MetricDay, b: MetricDay) =>
  COUNT_FIELDS.every((f) => a[f] === b[f]) && MONEY_FIELDS.every((f) => Number(a[f]) === Number(b[f]));
