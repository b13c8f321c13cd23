/** The optional parts of GET /campaigns/{id} (seed 001's include_segments / include_performance). */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.ts';

export async function segmentsOf(em: EntityManager, companyId: string, campaignId: string): Promise<Record<string, unknown>[]> {
  const res = await sqlOf(em).raw<{ rows: Record<string, unknown>[] }>(
    `select cs.id, cs.segment_id as "segmentId", cs.name, cs.type, cs.demographic_criteria as "demographicCriteria", cs.behavioral_criteria as "behavioralCriteria",
            cs.geographic_criteria as "geographicCriteria", cs.psychographic_criteria as "psychographicCriteria", cs.target_count as "targetCount", cs.actual_count as "actualCount"
       from campaign_segments cs where cs.campaign_id = ? and cs.company_id = ? order by cs.created_at`,
    [campaignId, companyId],
  );
  return res.rows;
}

/** Totals over the campaign's daily rollup rows (every channel and variant); null before anything was recorded. */
export async function performanceOf(em: EntityManager, companyId: string, campaignId: string): Promise<Record<string, unknown> | null> {
  const res = await sqlOf(em).raw<{ rows: Record<string, string | null>[] }>(
    `select count(*) as n, sum(sent) as sent, sum(delivered) as delivered, sum(opens) as opens, sum(unique_opens) as "uniqueOpens", sum(clicks) as clicks,
            sum(unique_clicks) as "uniqueClicks", sum(bounces) as bounces, sum(complaints) as complaints, sum(unsubscribes) as unsubscribes, sum(leads) as leads,
            sum(conversions) as conversions, sum(revenue)::text as revenue,
            -- In the campaign's currency: its spend plus message cost converted (the rollups keep message cost in the company's).
            (select c.actual_spend from campaigns c where c.id = ?)::numeric(20,4)::text as cost
       from campaign_performance_metrics where campaign_id = ? and company_id = ? and period = 'day' and user_id is null and team_id is null`,
    [campaignId, campaignId, companyId],
  );
  const r = res.rows[0]!;
  if (Number(r.n) === 0) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 'n') out[k] = k === 'revenue' || k === 'cost' ? (v ?? '0') : Number(v ?? 0);
  return out;
}
