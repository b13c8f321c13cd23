/**
 * The one way to read campaign figures: from the rollups the fact tables' triggers keep current
 * (migrations/…_analytics_rollups.ts), one SQL statement per call, never a scan of raw events.
 * Counts are numbers, money is a decimal string. Per user and team come from campaigns.created_by
 * and users.team_id, joined at read time. Money is in the company's currency, converted per
 * campaign and day (analytics-fx.ts), unless a reader asks for one campaign's own currency.
 */
import type { Totals } from '../../domain/metrics.ts';
import type { Knex } from '@mikro-orm/postgresql';
import { ValidationError } from '../../domain/errors.ts';
import { FX_FACTOR, fxDays, fxJoin, hasForeignCampaigns } from './analytics-fx.ts';

export interface FactFilter {
  companyId: string;
  /** YYYY-MM-DD, inclusive, a local day in the company's time zone. */
  from?: string;
  /** YYYY-MM-DD, inclusive. */
  to?: string;
  channels?: string[];
  campaignIds?: string[];
  regions?: string[];
  teamIds?: string[];
  userIds?: string[];
}

export type FactDimension = 'campaign' | 'channel' | 'variant' | 'day' | 'week' | 'month' | 'region' | 'user' | 'team';
export const FACT_DIMENSIONS: readonly FactDimension[] = ['campaign', 'channel', 'variant', 'day', 'week', 'month', 'region', 'user', 'team'];

/** One slice's totals (domain/metrics.ts defines them, once) under the keys it was grouped by. */
export interface FactRow extends Totals {
  keys: Partial<Record<FactDimension, string | null>>;
}

const COUNTS = [
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['failed', 'failed'],
  ['bounces', 'bounces'],
  ['complaints', 'complaints'],
  ['unsubscribes', 'unsubscribes'],
  ['opens', 'opens'],
  ['uniqueOpens', 'unique_opens'],
  ['clicks', 'clicks'],
  ['uniqueClicks', 'unique_clicks'],
  ['impressions', 'impressions'],
  ['reach', 'reach'],
  ['leads', 'leads'],
  ['qualifiedLeads', 'qualified_leads'],
  ['opportunities', 'opportunities'],
  ['conversions', 'conversions'],
  ['orders', 'orders'],
] as const;
const MONEY = [
  ['conversionRevenue', 'conversion_revenue'],
  ['orderRevenue', 'order_revenue'],
  ['revenue', 'revenue'],
  ['cost', 'cost'],
] as const;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validDay(field: string, v: string | undefined): void {
  if (v === undefined) return;
  const d = new Date(`${v}T00:00:00Z`);
  if (!DAY_RE.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) throw ValidationError.field(field, 'must be a date, YYYY-MM-DD');
}

function validIds(field: string, ids: string[] | undefined): void {
  const bad = ids?.findIndex((id) => !UUID_RE.test(id)) ?? -1;
  if (bad >= 0) throw ValidationError.field(`${field}[${bad}]`, 'must be a UUID');
}

/** Bad filter values become a 422 naming the field, never a database error. */
export function checkFilter(f: FactFilter): void {
  validIds('companyId', [f.companyId]);
  validDay('from', f.from);
  validDay('to', f.to);
  if (f.from && f.to && f.from > f.to) throw ValidationError.field('from', 'must not be after `to`');
  validIds('campaignIds', f.campaignIds);
  validIds('teamIds', f.teamIds);
  validIds('userIds', f.userIds);
}

interface Source {
  table: string;
  day: string;
  /** The day column's name, unqualified. */
  dayColumn: string;
  /** Extra conditions of the table (the seed-000 table's campaign-wide day rows). */
  where: string;
}

const MAIN: Source = { table: 'campaign_performance_metrics', day: 'm.period_start', dayColumn: 'period_start', where: `and m.period = 'day' and m.user_id is null and m.team_id is null` };
const REGION: Source = { table: 'campaign_region_metrics', day: 'm.day', dayColumn: 'day', where: '' };

function keyExpr(d: FactDimension, s: Source): string {
  switch (d) {
    case 'campaign':
      return 'm.campaign_id::text';
    case 'channel':
      return 'm.channel';
    case 'variant':
      return `nullif(m.variant, '')`;
    case 'region':
      return `nullif(m.region, '')`;
    case 'day':
      return `to_char(${s.day}, 'YYYY-MM-DD')`;
    case 'week':
      return `to_char(date_trunc('week', ${s.day}), 'YYYY-MM-DD')`;
    case 'month':
      return `to_char(${s.day}, 'YYYY-MM')`;
    case 'user':
      return 'c.created_by_id::text';
    case 'team':
      return 'u.team_id::text';
  }
}

/** The WHERE clause shared by every reader: company, days, channels, campaigns, owners. */
function conditions(f: FactFilter, day: string, bindings: Knex.RawBinding[], opts: { regions: boolean; channels?: boolean }): string {
  const out = ['m.company_id = ?'];
  bindings.push(f.companyId);
  const add = (cond: string, value: Knex.RawBinding) => {
    out.push(cond);
    bindings.push(value);
  };
  if (f.from) add(`${day} >= ?::date`, f.from);
  if (f.to) add(`${day} <= ?::date`, f.to);
  if (f.channels && opts.channels !== false) add('m.channel = any(?::text[])', f.channels);
  if (f.campaignIds) add('m.campaign_id = any(?::uuid[])', f.campaignIds);
  if (f.regions && opts.regions) add('m.region = any(?::text[])', f.regions);
  if (f.userIds) add('c.created_by_id = any(?::uuid[])', f.userIds);
  if (f.teamIds) add('u.team_id = any(?::uuid[])', f.teamIds);
  return out.join(' and ');
}

function ownerJoins(f: FactFilter, dims: readonly string[]): string {
  const team = dims.includes('team') || !!f.teamIds;
  const user = team || dims.includes('user') || !!f.userIds;
  return `${user ? ' join campaigns c on c.id = m.campaign_id' : ''}${team ? ' left join users u on u.id = c.created_by_id' : ''}`;
}

type Raw = Record<string, string | null>;

function toRow(r: Raw, groupBy: FactDimension[]): FactRow {
  const keys: FactRow['keys'] = {};
  groupBy.forEach((d, i) => (keys[d] = r[`k${i}`] ?? null));
  const row = { keys } as FactRow;
  for (const [name, col] of COUNTS) row[name] = Number(r[col] ?? 0);
  for (const [name, col] of MONEY) row[name] = r[col] ?? '0.0000';
  return row;
}

/**
 * In which currency money comes out: `company` (the default) converts each campaign's amounts at
 * the rate of their day and leaves out those without a rate (readUnconverted lists them);
 * `campaign` sums them as stored, for a reader of one campaign in its own currency.
 */
export interface ReadOptions {
  money?: 'company' | 'campaign';
}

/** A group whose facts all cancelled out (a conversion moved to another day, then deleted) is not shown. */
const NON_ZERO = [...COUNTS, ...MONEY, ['messageCost', 'message_cost']].map(([, c]) => `sum(m.${c}) <> 0`).join(' or ');

/**
 * The campaigns readFacts(filter, ['campaign']) lists, as a subquery with its bindings, for a
 * statement that needs them without waiting for that read. Owner filters (users, teams) are left to
 * the caller's statement, which has the campaign row.
 */
export function campaignsWithFacts(filter: FactFilter): { sql: string; bindings: Knex.RawBinding[] } {
  checkFilter(filter);
  const s = filter.regions ? REGION : MAIN;
  const bindings: Knex.RawBinding[] = [];
  const where = conditions({ ...filter, userIds: undefined, teamIds: undefined }, s.day, bindings, { regions: true });
  return { sql: `select m.campaign_id from ${s.table} m where ${where} ${s.where} group by m.campaign_id having ${NON_ZERO}`, bindings };
}

/**
 * Sums of every counter over the filter, one row per combination of `groupBy` (one row in all
 * when it is empty), ordered by the keys. `region` (as a dimension or a filter) reads the region
 * rollup, which has no variant: asking for both is refused.
 */
export async function readFacts(sql: Knex, filter: FactFilter, groupBy: FactDimension[], opts: ReadOptions = {}): Promise<FactRow[]> {
  checkFilter(filter);
  const bad = groupBy.findIndex((d) => !FACT_DIMENSIONS.includes(d));
  if (bad >= 0) throw ValidationError.field(`groupBy[${bad}]`, `must be one of ${FACT_DIMENSIONS.join(', ')}`);
  if (new Set(groupBy).size !== groupBy.length) throw ValidationError.field('groupBy', 'names a dimension twice');
  const byRegion = groupBy.includes('region') || !!filter.regions;
  if (byRegion && groupBy.includes('variant')) throw ValidationError.field('groupBy', 'variant and region cannot be combined: the region rollup has no variant');
  const s = byRegion ? REGION : MAIN;
  const bindings: Knex.RawBinding[] = [];
  const keys = groupBy.map((d, i) => `${keyExpr(d, s)} as k${i}`);
  const where = conditions(filter, s.day, bindings, { regions: true });
  // Some campaign is in another currency: rows need their day's rate (fx, computed once per currency and day).
  const convert = await hasForeignCampaigns(sql, filter.companyId);
  const sums = [...COUNTS.map(([, c]) => `coalesce(sum(m.${c}), 0)::bigint as ${c}`), ...moneySums(convert ? (opts.money ?? 'company') : 'none')];
  const group = groupBy.length
    ? ` group by ${groupBy.map((_, i) => i + 1).join(', ')} having ${NON_ZERO} order by ${groupBy.map((_, i) => `${i + 1} nulls last`).join(', ')}`
    : '';
  const fx = convert ? `with fx as (${fxDays(s.table, s.dayColumn)}) ` : '';
  if (convert) bindings.unshift(filter.companyId, filter.from ?? null, filter.to ?? null);
  const text = `${fx}select ${[...keys, ...sums].join(', ')} from ${s.table} m${ownerJoins(filter, groupBy)}${convert ? fxJoin(s.day) : ''} where ${where} ${s.where}${group}`;
  const res = await sql.raw<{ rows: Raw[] }>(text, bindings);
  return res.rows.map((r) => toRow(r, groupBy));
}

/**
 * The money sums of a rollup read. A row's revenue and cost are in its campaign's currency and its
 * message_cost (per-message channel cost) in the company's: `company` converts the first by the row's
 * day factor and adds message cost as it is; `campaign` keeps the first and divides message cost by
 * the factor; `none` (every campaign in the company's currency) adds them as stored. A row whose
 * factor is unknown (no rate on its day) adds nothing to what needs converting.
 */
function moneySums(mode: 'company' | 'campaign' | 'none'): string[] {
  const out = (expr: string, c: string) => `coalesce(${expr}, 0)::numeric(20,4)::text as ${c}`;
  return MONEY.map(([, c]) => {
    if (mode === 'none') return out(c === 'cost' ? `sum(m.cost + m.message_cost)` : `sum(m.${c})`, c);
    if (mode === 'company') return out(c === 'cost' ? `coalesce(sum(m.cost * ${FX_FACTOR}), 0) + sum(m.message_cost)` : `sum(m.${c} * ${FX_FACTOR})`, c);
    return out(c === 'cost' ? `sum(m.cost) + coalesce(sum(m.message_cost / ${FX_FACTOR}), 0)` : `sum(m.${c})`, c);
  });
}

/** Money of one currency that has no rate on some of its days, in that currency, and the days it spans. */
export interface Unconverted {
  currency: string;
  conversionRevenue: string;
  orderRevenue: string;
  revenue: string;
  cost: string;
  from: string;
  to: string;
}

const RETAILER: Source = { table: 'campaign_retailer_metrics', day: 'm.day', dayColumn: 'day', where: '' };

/**
 * What readFacts (or, with `source` 'retailer', readRetailerLeaderboard) leaves out of the company's
 * money for want of a rate, per currency (none: []). Message cost is in the company's currency and
 * never needs a rate, so `cost` here is the campaign's own spend only.
 */
export async function readUnconverted(sql: Knex, filter: FactFilter, source: 'facts' | 'retailer' = 'facts'): Promise<Unconverted[]> {
  checkFilter(filter);
  if (!(await hasForeignCampaigns(sql, filter.companyId))) return [];
  const s = source === 'retailer' ? RETAILER : filter.regions ? REGION : MAIN;
  const bindings: Knex.RawBinding[] = [];
  const where = conditions(filter, s.day, bindings, { regions: true });
  const res = await sql.raw<{ rows: (Raw & { currency: string; first_day: string; last_day: string })[] }>(
    `with fx as (${fxDays(s.table, s.dayColumn)})
     select fc.currency, ${MONEY.map(([, c]) => `sum(m.${c})::numeric(20,4)::text as ${c}`).join(', ')},
            to_char(min(${s.day}), 'YYYY-MM-DD') as first_day, to_char(max(${s.day}), 'YYYY-MM-DD') as last_day
       from ${s.table} m${ownerJoins(filter, [])}${fxJoin(s.day)}
      where ${where} ${s.where} and ${FX_FACTOR} is null and (m.revenue <> 0 or m.cost <> 0)
      group by fc.currency order by fc.currency`,
    [filter.companyId, filter.from ?? null, filter.to ?? null, ...bindings],
  );
  return res.rows.map((r) => ({ currency: r.currency, conversionRevenue: r.conversion_revenue!, orderRevenue: r.order_revenue!, revenue: r.revenue!, cost: r.cost!, from: r.first_day, to: r.last_day }));
}

export interface HeatCell {
  /** 0 = Sunday … 6 = Saturday, of the local day in the company's time zone. */
  weekday: number;
  /** 0–23, local hour. */
  hour: number;
  opens: number;
  clicks: number;
}

/** Human opens and clicks by weekday × hour (only cells with engagement). Regions do not apply. */
export async function readHeatmap(sql: Knex, filter: FactFilter): Promise<HeatCell[]> {
  checkFilter(filter);
  if (filter.regions) throw ValidationError.field('regions', 'the engagement heat map has no region breakdown');
  const bindings: Knex.RawBinding[] = [];
  const where = conditions(filter, 'm.day', bindings, { regions: false });
  const res = await sql.raw<{ rows: { weekday: number; hour: number; opens: string; clicks: string }[] }>(
    `select extract(dow from m.day)::int as weekday, m.hour::int as hour, sum(m.opens)::bigint as opens, sum(m.clicks)::bigint as clicks
       from campaign_engagement_hours m${ownerJoins(filter, [])} where ${where}
      group by 1, 2 order by 1, 2`,
    bindings,
  );
  return res.rows.map((r) => ({ weekday: r.weekday, hour: r.hour, opens: Number(r.opens), clicks: Number(r.clicks) }));
}

export interface LinkClicks {
  linkIndex: number;
  /** null: the campaign's own content. */
  variant: string | null;
  url: string | null;
  clicks: number;
  /** Messages whose first human click on this link fell in the range. */
  uniqueClicks: number;
}

/**
 * Human clicks per link of one campaign (`campaignId`, or the one id of `campaignIds`), most
 * clicked first.
 */
export async function readLinkClicks(sql: Knex, filter: FactFilter & { campaignId?: string }): Promise<LinkClicks[]> {
  checkFilter(filter);
  const campaignId = filter.campaignId ?? (filter.campaignIds?.length === 1 ? filter.campaignIds[0] : undefined);
  if (!campaignId) throw ValidationError.field('campaignId', 'clicks per link are read for one campaign');
  validIds('campaignId', [campaignId]);
  const bindings: Knex.RawBinding[] = [];
  const where = conditions({ ...filter, campaignIds: [campaignId], channels: undefined, regions: undefined }, 'm.day', bindings, { regions: false });
  const res = await sql.raw<{ rows: { link_index: number; variant: string; url: string | null; clicks: string; unique_clicks: string }[] }>(
    `select m.link_index, m.variant, max(t.url) as url, sum(m.clicks)::bigint as clicks, sum(m.unique_clicks)::bigint as unique_clicks
       from campaign_link_clicks m${ownerJoins(filter, [])}
       left join tracked_links t on t.campaign_id = m.campaign_id and t.variant = m.variant and t.idx = m.link_index
      where ${where}
      group by m.link_index, m.variant order by 4 desc, 1, 2`,
    bindings,
  );
  return res.rows.map((r) => ({ linkIndex: r.link_index, variant: r.variant || null, url: r.url, clicks: Number(r.clicks), uniqueClicks: Number(r.unique_clicks) }));
}

/** A FactRow (its `keys` empty) with who the retailer is. */
export interface RetailerRow extends FactRow {
  contactId: string;
  /** attributes.retailer_name, else the contact's name, else its e-mail. */
  name: string | null;
  region: string | null;
}

export type RetailerRanking = 'revenue' | 'clickRate';

/**
 * Seed 004's retailer leaderboard: every retailer contact (attributes.retailer = true) with figures
 * in the filter, ranked by attributed revenue or by click rate (unique clicks / delivered), best
 * first; ties by name. Regions filter on the retailer's region.
 */
export async function readRetailerLeaderboard(sql: Knex, filter: FactFilter, rankBy: RetailerRanking = 'revenue', limit = 100): Promise<RetailerRow[]> {
  checkFilter(filter);
  if (rankBy !== 'revenue' && rankBy !== 'clickRate') throw ValidationError.field('rankBy', 'must be revenue or clickRate');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw ValidationError.field('limit', 'must be an integer from 1 to 1000');
  const bindings: Knex.RawBinding[] = [];
  const where = conditions(filter, 'm.day', bindings, { regions: true });
  // Company currency: converted per campaign and day when some campaign is in another currency.
  const convert = await hasForeignCampaigns(sql, filter.companyId);
  const revenue = `coalesce(sum(m.revenue${convert ? ` * ${FX_FACTOR}` : ''}), 0)`;
  const sums = [...COUNTS.map(([, c]) => `sum(m.${c})::bigint as ${c}`), ...moneySums(convert ? 'company' : 'none')];
  const order = rankBy === 'revenue' ? `${revenue} desc` : `sum(m.unique_clicks)::numeric / nullif(sum(m.delivered), 0) desc nulls last, ${revenue} desc`;
  const res = await sql.raw<{ rows: (Raw & { contact_id: string; name: string | null; region: string })[] }>(
    `${convert ? `with fx as (${fxDays('campaign_retailer_metrics', 'day')})` : ''}
     select m.contact_id, max(m.region) as region,
            coalesce(max(k.attributes ->> 'retailer_name'), nullif(trim(concat_ws(' ', max(k.first_name), max(k.last_name))), ''), max(k.email)) as name,
            ${sums.join(', ')}
       from campaign_retailer_metrics m${ownerJoins(filter, [])}${convert ? fxJoin('m.day') : ''}
       left join contacts k on k.id = m.contact_id
      where ${where}
      group by m.contact_id
      order by ${order}, 3, 1
      limit ${limit}`,
    convert ? [filter.companyId, filter.from ?? null, filter.to ?? null, ...bindings] : bindings,
  );
  return res.rows.map((r) => {
    return { ...toRow(r, []), contactId: r.contact_id, name: r.name, region: r.region || null };
  });
}
