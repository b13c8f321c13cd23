/**
 * What every analytics request resolves first: the caller's company (currency, time zone), the date
 * range and the fact filter — and the reads over the rollups (db/repositories/analytics.ts) that the
 * views share. Metrics are then computed by domain/metrics.ts, never in SQL.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { readFacts, type FactDimension, type FactFilter, type FactRow, type ReadOptions } from '../../db/repositories/analytics.ts';
import { fxFactor } from '../../db/repositories/analytics-fx.ts';
import { sqlOf } from '../../db/sql.ts';
import { currencyExponent } from '../../domain/currency.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { COUNT_FIELDS, emptyTotals, MONEY_FIELDS, type Totals } from '../../domain/metrics.ts';
import { can } from '../../domain/permissions.ts';
import type { ApiContext } from '../context.ts';
import { rangeOf, todayIn, type AnalyticsQueryInput, type Range } from './query.ts';

export interface Scope {
  sql: Knex | Knex.Transaction;
  companyId: string;
  currency: string;
  exponent: number;
  timeZone: string;
  /** null: all time (a campaign's own page without dates). */
  range: Range | null;
  query: AnalyticsQueryInput;
  /** The caller may see retailer and contact names (pii:read). */
  pii: boolean;
}

export async function scopeOf(c: ApiContext, query: AnalyticsQueryInput, opts: { allTimeByDefault?: boolean } = {}): Promise<Scope> {
  const caller = c.get('caller');
  const sql = sqlOf(c.get('em'));
  const res = await sql.raw<{ rows: { currency: string; time_zone: string }[] }>(`select currency, time_zone from companies where id = ?`, [caller.companyId]);
  const company = res.rows[0]!;
  const allTime = opts.allTimeByDefault && !query.from && !query.to;
  return {
    sql,
    companyId: caller.companyId,
    currency: company.currency,
    exponent: currencyExponent(company.currency),
    timeZone: company.time_zone,
    range: allTime ? null : rangeOf(query, todayIn(company.time_zone)),
    query,
    pii: can(caller.role, 'pii:read'),
  };
}

export function filterOf(s: Scope, range: Range | null = s.range, extra: Partial<FactFilter> = {}): FactFilter {
  const q = s.query;
  return {
    companyId: s.companyId,
    ...(range ? { from: range.from, to: range.to } : {}),
    ...(q.channel ? { channels: q.channel } : {}),
    ...(q.campaign ? { campaignIds: q.campaign } : {}),
    ...(q.region ? { regions: q.region } : {}),
    ...(q.team ? { teamIds: q.team } : {}),
    ...(q.user ? { userIds: q.user } : {}),
    ...extra,
  };
}

/** Only the counters and money of a row: anything else it carries (keys, a retailer's name) stays out. */
export function totalsOfRow(row: Omit<FactRow, 'keys'>): Totals {
  const t = emptyTotals();
  for (const k of COUNT_FIELDS) t[k] = row[k];
  for (const k of MONEY_FIELDS) t[k] = row[k];
  return t;
}

/** Money in the company's currency, unless `opts.money` is 'campaign' (one campaign's own page). */
export async function facts(s: Scope, groupBy: FactDimension[], filter: FactFilter = filterOf(s), opts: ReadOptions = {}): Promise<FactRow[]> {
  return readFacts(s.sql, filter, groupBy, opts);
}

export interface CampaignMeta {
  id: string;
  code: string;
  name: string;
  status: string;
  channel: string;
  startAt: string;
  endAt: string;
  budget: string;
  targetLeads: number;
  targetConversions: number;
  targetRoi: string;
  /** The campaign's currency: its budget's and its facts' (the company's may differ). */
  currency: string;
  /** campaignsIn only: the budget in the company's currency at the rate of the range's last day (today without a range); null without a rate. */
  companyBudget?: string | null;
}

interface MetaRow {
  id: string;
  code: string;
  name: string;
  status: string;
  primary_channel: string;
  start_at: Date;
  end_at: Date;
  total_budget: string;
  target_leads: number;
  target_conversions: number;
  target_roi: string;
  currency: string;
  company_budget?: string | null;
}

const META_COLUMNS = `id, code, name, status, primary_channel, start_at, end_at, total_budget::text as total_budget, target_leads, target_conversions, target_roi::text as target_roi, currency`;

function toMeta(r: MetaRow): CampaignMeta {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    status: r.status,
    channel: r.primary_channel,
    startAt: new Date(r.start_at).toISOString(),
    endAt: new Date(r.end_at).toISOString(),
    budget: r.total_budget,
    targetLeads: r.target_leads,
    targetConversions: r.target_conversions,
    targetRoi: r.target_roi,
    currency: r.currency,
    ...(r.company_budget !== undefined ? { companyBudget: r.company_budget } : {}),
  };
}

/** One campaign of the caller's company, or a 404 (another company's id included). */
export async function campaignMeta(s: Scope, id: string): Promise<CampaignMeta> {
  const res = await s.sql.raw<{ rows: MetaRow[] }>(`select ${META_COLUMNS} from campaigns where company_id = ? and id = ? and deleted_at is null`, [s.companyId, id]);
  if (!res.rows[0]) throw new NotFoundError('campaign', id);
  return toMeta(res.rows[0]);
}

/**
 * The campaigns a comparison covers: those with facts in the range, plus those whose schedule
 * overlaps it (so a campaign that has not sent yet shows in its zero state), within the campaign
 * and channel filters.
 */
export async function campaignsIn(s: Scope, withFacts: readonly string[]): Promise<CampaignMeta[]> {
  const q = s.query;
  const where = ['company_id = ?', 'deleted_at is null'];
  const bindings: Knex.Value[] = [s.companyId];
  if (q.campaign) {
    where.push('id = any(?::uuid[])');
    bindings.push(q.campaign as unknown as Knex.Value);
  }
  if (q.channel) {
    where.push('primary_channel = any(?::text[])');
    bindings.push(q.channel as unknown as Knex.Value);
  }
  // Region, team and user are properties of the facts: a campaign without any cannot match them.
  const byFactsOnly = Boolean(q.region || q.team || q.user);
  const overlap = byFactsOnly ? 'false' : s.range ? `(start_at < (?::date + 1) and end_at >= ?::date)` : 'true';
  if (s.range && !byFactsOnly) bindings.push(s.range.to, s.range.from);
  bindings.push(withFacts as unknown as Knex.Value);
  const home = '(select co.currency from companies co where co.id = campaigns.company_id)';
  const factor = fxFactor('campaigns.currency', '?::date', 'campaigns.company_id', home);
  bindings.unshift(s.range?.to ?? todayIn(s.timeZone));
  const res = await s.sql.raw<{ rows: MetaRow[] }>(
    `select ${META_COLUMNS}, (total_budget * ${factor})::numeric(20,4)::text as company_budget
       from campaigns where ${where.join(' and ')} and (${overlap} or id = any(?::uuid[])) order by name, id limit 5000`,
    bindings,
  );
  return res.rows.map(toMeta);
}
