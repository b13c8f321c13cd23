/**
 * The links a campaign's e-mails carry, recorded once per campaign and variant when the campaign is
 * first rendered for sending: the click redirect goes to these URLs and nowhere else.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { CampaignContent, Variant } from '../entities/index.ts';
import { appendUtm, defaultUtm, findTrackableLinks, type UtmSettings } from '../../domain/tracking-links.ts';

interface CampaignRow {
  company_id: string;
  code: string;
  primary_channel: string;
  content: CampaignContent;
  variants: Variant[] | null;
  utm: UtmSettings | null;
}

/** The HTML each variant sends ('' = the campaign's own): a variant without HTML of its own sends the campaign's, as sendBatch does. */
export function htmlByVariant(content: CampaignContent, variants: Variant[] | null): Map<string, string> {
  const out = new Map<string, string>();
  const base = content.email?.html;
  if (typeof base === 'string') out.set('', base);
  for (const v of variants ?? []) {
    const html = v.content?.email?.html ?? base;
    if (typeof html === 'string') out.set(v.key, html);
  }
  return out;
}

/**
 * Records the campaign's trackable links (UTM parameters applied) for every variant. Idempotent:
 * a set already recorded is kept as it is, since messages already out point into it (content
 * cannot change once sending has started). Returns the number of links newly recorded.
 */
export async function recordCampaignLinks(knex: Knex, campaignId: string): Promise<number> {
  const row = (
    await knex.raw<{ rows: CampaignRow[] }>(
      `select k.company_id, k.code, k.primary_channel, k.content, k.variants, t.utm
       from campaigns k left join campaign_tracking t on t.campaign_id = k.id where k.id = ?`,
      [campaignId],
    )
  ).rows[0];
  if (!row || row.primary_channel !== 'email') return 0;
  const rows: { variant: string; idx: number; url: string }[] = [];
  for (const [variant, html] of htmlByVariant(row.content ?? {}, row.variants)) {
    const utm = row.utm ?? defaultUtm({ code: row.code, channel: row.primary_channel }, variant);
    findTrackableLinks(html).forEach((l, idx) => rows.push({ variant, idx, url: appendUtm(l.url, utm) }));
  }
  if (rows.length === 0) return 0;
  const res = await knex.raw(
    `insert into tracked_links (company_id, campaign_id, variant, idx, url)
     select ?, ?, l.variant, l.idx, l.url from jsonb_to_recordset(?::jsonb) as l(variant text, idx smallint, url text)
     on conflict (campaign_id, variant, idx) do nothing`,
    [row.company_id, campaignId, JSON.stringify(rows)],
  );
  return (res as { rowCount: number }).rowCount;
}

/** A campaign's UTM settings (before it is first sent: links recorded later keep what was set then). */
export async function setCampaignUtm(knex: Knex, companyId: string, campaignId: string, utm: UtmSettings): Promise<void> {
  await knex.raw(
    `insert into campaign_tracking (company_id, campaign_id, utm) select company_id, id, ?::jsonb from campaigns where id = ? and company_id = ?
     on conflict (campaign_id) do update set utm = excluded.utm, updated_at = now()`,
    [JSON.stringify(utm), campaignId, companyId],
  );
}
