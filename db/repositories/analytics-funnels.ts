/**
 * Seed 000's funnel per campaign and period, read from the campaign_funnels view over the day
 * rollups (migrations/…_campaign_funnels_view.ts): never a scan of raw events.
 */
import type { Knex } from '@mikro-orm/postgresql';

export type FunnelPeriod = 'day' | 'week' | 'month';

export interface FunnelRow {
  periodStart: string;
  periodEnd: string;
  impressions: number;
  reach: number;
  engagement: number;
  leads: number;
  opportunities: number;
  conversions: number;
}

export interface FunnelFilter {
  companyId: string;
  campaignId: string;
  period: FunnelPeriod;
  /** Periods that overlap [from, to] (local days, inclusive), whole; absent: all of them. */
  from?: string;
  to?: string;
}

interface Raw {
  period_start: string;
  period_end: string;
  impressions: string;
  reach: string;
  engagement: string;
  leads: string;
  opportunities: string;
  conversions: string;
}

export async function readCampaignFunnels(sql: Knex | Knex.Transaction, f: FunnelFilter): Promise<FunnelRow[]> {
  const res = await sql.raw<{ rows: Raw[] }>(
    `select to_char(period_start, 'YYYY-MM-DD') as period_start, to_char(period_end, 'YYYY-MM-DD') as period_end,
            impressions, reach, engagement, leads, opportunities, conversions
       from campaign_funnels
      where company_id = ? and campaign_id = ? and period = ?
        and (?::date is null or period_end >= ?::date) and (?::date is null or period_start <= ?::date)
      order by period_start`,
    [f.companyId, f.campaignId, f.period, f.from ?? null, f.from ?? null, f.to ?? null, f.to ?? null],
  );
  return res.rows.map((r) => ({
    periodStart: r.period_start,
    periodEnd: r.period_end,
    impressions: Number(r.impressions),
    reach: Number(r.reach),
    engagement: Number(r.engagement),
    leads: Number(r.leads),
    opportunities: Number(r.opportunities),
    conversions: Number(r.conversions),
  }));
}
