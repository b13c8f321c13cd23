/**
 * `campaign.performance_update`: a campaign's headline figures, sent when they change. The rollup
 * rows carry `updated_at`, set by the triggers in the fact's own transaction; each poll (once a
 * second, by the hub) re-reads the campaigns touched in the last few seconds — a window wider than
 * the poll, so a transaction that commits a little after its `now()` is still seen — and emits
 * only those whose figures differ from what this replica last sent. At most one event per campaign
 * per poll, so at most one a second; nothing on the write path.
 */
import type { Knex } from '@mikro-orm/postgresql';

export interface PerformanceUpdate {
  companyId: string;
  payload: {
    campaignId: string;
    sent: number;
    delivered: number;
    uniqueOpens: number;
    uniqueClicks: number;
    leads: number;
    conversions: number;
    revenue: string;
    cost: string;
  };
}

/** How far back each poll looks for changed rollup rows. */
const WINDOW = "interval '5 seconds'";
/** What this replica sent is forgotten once a campaign has not changed for longer than the window. */
const FORGET_MS = 15_000;

const CHANGED_SQL = `
select m.company_id, m.campaign_id, sum(m.sent)::bigint as sent, sum(m.delivered)::bigint as delivered,
       sum(m.unique_opens)::bigint as unique_opens, sum(m.unique_clicks)::bigint as unique_clicks, sum(m.leads)::bigint as leads,
       sum(m.conversions)::bigint as conversions, sum(m.revenue)::numeric(20,4)::text as revenue,
       -- In the campaign's currency: its spend plus message cost converted (the rollups keep message cost in the company's).
       (select c.actual_spend from campaigns c where c.id = m.campaign_id)::numeric(20,4)::text as cost
  from campaign_performance_metrics m
 where m.campaign_id in (select distinct x.campaign_id from campaign_performance_metrics x
                          where x.company_id = any(?::uuid[]) and x.updated_at > now() - ${WINDOW})
   and m.period = 'day' and m.user_id is null and m.team_id is null
 group by m.company_id, m.campaign_id`;

export class PerformanceWatch {
  private readonly sent = new Map<string, { key: string; at: number }>();

  /** The updates to send now for these companies' campaigns. */
  async poll(sql: Knex, companyIds: string[]): Promise<PerformanceUpdate[]> {
    if (companyIds.length === 0) return [];
    const res = await sql.raw<{ rows: Record<string, string> [] }>(CHANGED_SQL, [companyIds]);
    const now = Date.now();
    const out: PerformanceUpdate[] = [];
    for (const r of res.rows) {
      const payload = {
        campaignId: r.campaign_id!,
        sent: Number(r.sent),
        delivered: Number(r.delivered),
        uniqueOpens: Number(r.unique_opens),
        uniqueClicks: Number(r.unique_clicks),
        leads: Number(r.leads),
        conversions: Number(r.conversions),
        revenue: r.revenue!,
        cost: r.cost!,
      };
      const key = JSON.stringify(payload);
      const last = this.sent.get(payload.campaignId);
      this.sent.set(payload.campaignId, { key, at: now });
      if (last?.key !== key) out.push({ companyId: r.company_id!, payload });
    }
    for (const [id, s] of this.sent) if (now - s.at > FORGET_MS) this.sent.delete(id);
    return out;
  }
}
