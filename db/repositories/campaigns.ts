/** Campaign queries the API and activities share. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { generateCampaignCode, normalizeCampaignCode } from '../../domain/campaign-rules.ts';

/**
 * The next code from the company's own sequence (CMP-2026-0042). The increment is one atomic
 * UPDATE … RETURNING, so two campaigns created at once never get the same number; a number a
 * soft-deleted or manually coded campaign already holds is skipped.
 */
export async function nextCampaignCode(em: EntityManager, companyId: string, now: Date, prefix = 'CMP'): Promise<string> {
  const knex = em.getKnex();
  for (;;) {
    const res = await knex.raw<{ rows: { campaign_seq: number }[] }>(
      'update companies set campaign_seq = campaign_seq + 1 where id = ? returning campaign_seq',
      [companyId],
    );
    const seq = res.rows[0]?.campaign_seq;
    if (seq === undefined) throw new Error(`company ${companyId} not found`);
    const code = generateCampaignCode(prefix, seq, now.getUTCFullYear());
    if (!(await isCampaignCodeTaken(em, companyId, code))) return code;
  }
}

/** Whether another live (not soft-deleted) campaign of the company holds this code. */
export async function isCampaignCodeTaken(em: EntityManager, companyId: string, code: string, exceptId?: string): Promise<boolean> {
  const res = await em.getKnex().raw<{ rows: unknown[] }>(
    `select 1 from campaigns where company_id = ? and code = ? and deleted_at is null ${exceptId ? 'and id <> ?' : ''} limit 1`,
    exceptId ? [companyId, normalizeCampaignCode(code), exceptId] : [companyId, normalizeCampaignCode(code)],
  );
  return res.rows.length > 0;
}
