/** Turns one run of a recurring campaign's schedule into a campaign of its own. */
import { createHash } from 'node:crypto';
import type { Knex, MikroORM } from '@mikro-orm/postgresql';
import type { OccurrenceInput } from './campaign-types.ts';
import { approvalContentHash } from '../domain/content-hash.ts';

export function createRecurringActivities(orm: MikroORM) {
  const knex = (): Knex => orm.em.getKnex();

  async function createOccurrence(input: OccurrenceInput): Promise<{ campaignId: string; contentHash: string }> {
    // A short, stable suffix from the run's id keeps codes unique and retries idempotent.
    const suffix = createHash('sha256').update(input.occurrenceKey).digest('hex').slice(0, 8).toUpperCase();
    return knex().transaction(async (tx) => {
      const source = await tx.raw<{ rows: { code: string; content: unknown; variants: unknown; sender: unknown; segment_id: string | null; rules: unknown; has_audience: boolean }[] }>(
        `select c.code, c.content, c.variants, c.sender, cs.segment_id, cs.demographic_criteria as rules, cs.id is not null as has_audience
           from campaigns c
           left join lateral (select * from campaign_segments x where x.campaign_id = c.id order by x.created_at limit 1) cs on true
          where c.id = ? and c.company_id = ? and c.deleted_at is null`,
        [input.campaignId, input.companyId],
      );
      const s = source.rows[0];
      if (!s) throw new Error(`recurring campaign ${input.campaignId} not found`);
      const code = `${s.code.slice(0, 40)}-${suffix}`;
      const existing = await tx.raw<{ rows: { id: string }[] }>(
        'select id from campaigns where company_id = ? and code = ? and deleted_at is null',
        [input.companyId, code],
      );
      // The occurrence copies content, sender, variants and audience: it hashes as the API hashes it.
      const contentHash = approvalContentHash({ content: s.content, variants: s.variants, sender: s.sender, audience: s.has_audience ? { segmentId: s.segment_id, rules: s.rules } : null });
      if (existing.rows[0]) return { campaignId: existing.rows[0].id, contentHash };
      const inserted = await tx.raw<{ rows: { id: string }[] }>(
        `insert into campaigns (company_id, code, name, description, type, category, primary_channel, channels, status, approval_status,
           start_at, end_at, total_budget, currency, target_audience_size, expected_conversion_rate, target_roi, target_leads,
           target_conversions, content, sender, variants, created_by_id, recurring_parent_id)
         select company_id, ?, name || ' (' || to_char(now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ')', description, type, category,
           primary_channel, channels, 'draft', 'not_required', now(), greatest(end_at, now() + interval '1 day'), total_budget, currency,
           target_audience_size, expected_conversion_rate, target_roi, target_leads, target_conversions, content, sender, variants, created_by_id, id
         from campaigns where id = ?
         returning id`,
        [code, input.campaignId],
      );
      const id = inserted.rows[0]!.id;
      await tx.raw(
        `insert into campaign_segments (company_id, campaign_id, segment_id, name, type, demographic_criteria, behavioral_criteria,
           geographic_criteria, psychographic_criteria, target_count)
         select company_id, ?, segment_id, name, type, demographic_criteria, behavioral_criteria, geographic_criteria, psychographic_criteria, target_count
         from campaign_segments where campaign_id = ?`,
        [id, input.campaignId],
      );
      return { campaignId: id, contentHash };
    });
  }

  return { createOccurrence };
}
