/**
 * Where a reported conversion or order came from, resolved for a whole batch in three queries: a
 * message token (verified without a read) or a recipient id names one message, hence its campaign,
 * channel, variant and contact; a UTM campaign names a campaign by its code. Everything is looked
 * up inside the caller's company, so another company's token, recipient or code resolves to
 * nothing and the fact is kept unattributed: the same answer as for one that never existed, so a
 * key cannot probe what other companies have.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { normalizeCampaignCode } from '../../domain/campaign-rules.ts';
import { ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { verifyToken } from '../../domain/tracking-token.ts';
import { sqlOf } from '../../db/sql.ts';
import { z } from '../openapi.ts';

export const AttributionFields = {
  token: z.string().max(400).optional().openapi({ description: 'A tracking token from the message (its open pixel, a click link or the unsubscribe link)' }),
  recipientId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'The message (campaign recipient row) it came from' }),
  utmCampaign: z.string().trim().min(1).max(100).optional().openapi({ description: "utm_campaign of the landing URL: a campaign's code" }),
  contactId: z.uuid().optional().openapi({ description: 'The contact (retailer) when no message names one' }),
};

export interface AttributionInput {
  token?: string;
  recipientId?: number;
  utmCampaign?: string;
  contactId?: string;
}

export interface Attribution {
  via: 'token' | 'recipient' | 'utm' | null;
  campaignId: string | null;
  /** The campaign's currency: an attributed value must be in it. */
  campaignCurrency: string | null;
  channel: string | null;
  variant: string | null;
  recipientId: number | null;
  contactId: string | null;
  region: string | null;
}

interface RecipientRow {
  id: string;
  campaign_id: string;
  contact_id: string;
  channel: string;
  variant: string | null;
  region: string | null;
  currency: string;
}

/** One Attribution per input, in order. `at(i)` names the field prefix of input i in errors. */
export async function attributeAll(em: EntityManager, secret: string, companyId: string, inputs: readonly AttributionInput[], at: (i: number) => string): Promise<Attribution[]> {
  const sql = sqlOf(em);
  const messageOf = inputs.map((x) => (x.token !== undefined ? (verifyToken(secret, x.token)?.recipientId ?? null) : (x.recipientId ?? null)));
  const recipientIds = [...new Set(messageOf.filter((x): x is number => x !== null))];
  const codes = [...new Set(inputs.flatMap((x) => (x.utmCampaign ? [normalizeCampaignCode(x.utmCampaign)] : [])))];
  const contactIds = [...new Set(inputs.flatMap((x) => (x.contactId ? [x.contactId] : [])))];

  const recipients = new Map<number, RecipientRow>();
  if (recipientIds.length > 0) {
    const res = await sql.raw<{ rows: RecipientRow[] }>(
      `select r.id, r.campaign_id, r.contact_id, r.channel, r.variant, ct.region, k.currency
         from campaign_recipients r join campaigns k on k.id = r.campaign_id left join contacts ct on ct.id = r.contact_id
        where r.company_id = ? and r.id = any(?::bigint[])`,
      [companyId, recipientIds],
    );
    for (const r of res.rows) recipients.set(Number(r.id), r);
  }
  const campaigns = new Map<string, { id: string; channel: string; currency: string }>();
  if (codes.length > 0) {
    const res = await sql.raw<{ rows: { id: string; code: string; primary_channel: string; currency: string }[] }>(
      `select id, code, primary_channel, currency from campaigns where company_id = ? and deleted_at is null and code = any(?::text[])`,
      [companyId, codes],
    );
    for (const r of res.rows) campaigns.set(r.code, { id: r.id, channel: r.primary_channel, currency: r.currency });
  }
  const contacts = new Map<string, string | null>();
  if (contactIds.length > 0) {
    const res = await sql.raw<{ rows: { id: string; region: string | null }[] }>(`select id, region from contacts where company_id = ? and id = any(?::uuid[])`, [companyId, contactIds]);
    for (const r of res.rows) contacts.set(r.id, r.region);
  }
  // An explicit contact id is ours to check: a wrong one is the caller's mistake, not a lost sale.
  const issues: FieldIssue[] = inputs.flatMap((x, i) => (x.contactId && !contacts.has(x.contactId) ? [{ field: `${at(i)}contactId`, message: 'is not a contact of this company' }] : []));
  if (issues.length > 0) throw new ValidationError(issues);

  return inputs.map((x, i) => {
    const id = messageOf[i];
    const r = id !== null && id !== undefined ? recipients.get(id) : undefined;
    if (r) {
      return {
        via: x.token !== undefined ? 'token' : 'recipient',
        campaignId: r.campaign_id,
        campaignCurrency: r.currency,
        channel: r.channel,
        variant: r.variant,
        recipientId: Number(r.id),
        contactId: r.contact_id,
        region: r.region,
      };
    }
    const k = x.utmCampaign ? campaigns.get(normalizeCampaignCode(x.utmCampaign)) : undefined;
    const contactId = x.contactId ?? null;
    const region = contactId ? (contacts.get(contactId) ?? null) : null;
    if (k) return { via: 'utm', campaignId: k.id, campaignCurrency: k.currency, channel: k.channel, variant: null, recipientId: null, contactId, region };
    return { via: null, campaignId: null, campaignCurrency: null, channel: null, variant: null, recipientId: null, contactId, region };
  });
}
