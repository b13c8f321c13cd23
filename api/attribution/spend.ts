/**
 * Costs beyond the per-message channel cost (media, production, agency, ...): recorded, listed and
 * deleted per campaign, each change audit-logged. The amount must be in the campaign's currency.
 * `campaigns.actual_spend` is kept equal to all costs by the database (the rollups' triggers), and a
 * trigger on campaigns tells the owners once when it first passes the budget.
 */
import { createRoute } from '@hono/zod-openapi';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SPEND_CATEGORIES } from '../../db/entities/revenue.ts';
import { ALL_CAMPAIGN_CHANNELS } from '../../domain/campaign-rules.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { normalizeAmount } from '../../domain/money.ts';
import { sqlOf } from '../../db/sql.ts';
import { body, errors, IdParam, json, router, secured, z } from '../openapi.ts';
import { iso } from '../query-values.ts';
import { Amount } from './facts.ts';
import { keyOrSecured } from './machine-auth.ts';
import { auditPrincipal } from './principal-audit.ts';

const DateOnly = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-12-01')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'is not a calendar date')
  .openapi({ example: '2026-12-01' });

const SpendInput = z
  .strictObject({
    amount: Amount,
    currency: z.string().optional().openapi({ description: "Must be the campaign's currency (the default)" }),
    category: z.enum(SPEND_CATEGORIES),
    channel: z.enum(ALL_CAMPAIGN_CHANNELS).optional(),
    incurredOn: DateOnly,
    description: z.string().trim().max(2000).optional(),
  })
  .openapi('SpendInput');

const SpendDto = z
  .object({
    id: z.uuid(),
    campaignId: z.uuid(),
    amount: z.string(),
    currency: z.string(),
    category: z.enum(SPEND_CATEGORIES),
    channel: z.string().nullable(),
    incurredOn: z.string(),
    description: z.string().nullable(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .openapi('SpendEntry');

const SpendList = z
  .object({
    items: z.array(SpendDto),
    total: z.string().openapi({ description: 'Sum of the entries listed' }),
    currency: z.string(),
    budget: z.string(),
    actualSpend: z.string().openapi({ description: 'All costs of the campaign: these entries plus per-message channel cost and tracked-channel spend' }),
  })
  .openapi('SpendList');

interface Row {
  id: string;
  campaign_id: string;
  amount: string;
  currency: string;
  category: (typeof SPEND_CATEGORIES)[number];
  channel: string | null;
  incurred_on: string;
  description: string | null;
  created_by_id: string | null;
  created_at: Date;
}
const COLUMNS = `id, campaign_id, amount::text as amount, currency, category, channel, to_char(incurred_on, 'YYYY-MM-DD') as incurred_on, description, created_by_id, created_at`;
const toDto = (r: Row) => ({
  id: r.id,
  campaignId: r.campaign_id,
  amount: normalizeAmount(r.amount, r.currency),
  currency: r.currency,
  category: r.category,
  channel: r.channel,
  incurredOn: r.incurred_on,
  description: r.description,
  createdBy: r.created_by_id,
  createdAt: iso(r.created_at)!,
});

interface CampaignMoney {
  id: string;
  currency: string;
  total_budget: string;
  actual_spend: string;
}

export async function campaignMoney(em: EntityManager, companyId: string, id: string, lock = false): Promise<CampaignMoney> {
  const row = (
    await sqlOf(em).raw<{ rows: CampaignMoney[] }>(
      `select id, currency, total_budget::text as total_budget, actual_spend::text as actual_spend, primary_channel from campaigns where id = ? and company_id = ? and deleted_at is null${lock ? ' for share' : ''}`,
      [id, companyId],
    )
  ).rows[0];
  if (!row) throw new NotFoundError('campaign', id);
  return row;
}

const SpendParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  spendId: z.uuid().openapi({ param: { name: 'spendId', in: 'path' } }),
});

export function spendRoutes() {
  const create = createRoute({
    method: 'post',
    path: '/campaigns/{id}/spend',
    tags: ['Spend'],
    summary: "Record a cost against a campaign (in the campaign's currency)",
    ...keyOrSecured('revenue:write', 'spend:write'),
    request: { params: IdParam, body: body(SpendInput) },
    responses: { 201: json(SpendDto, 'The recorded cost'), ...errors(404, 429) },
  });
  const list = createRoute({
    method: 'get',
    path: '/campaigns/{id}/spend',
    tags: ['Spend'],
    summary: 'The costs recorded against a campaign, newest first, with their total and the campaign’s actual spend',
    ...secured('read'),
    request: { params: IdParam },
    responses: { 200: json(SpendList, 'Recorded costs'), ...errors(404) },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/campaigns/{id}/spend/{spendId}',
    tags: ['Spend'],
    summary: 'Delete a recorded cost (a correction; the audit log keeps it)',
    ...keyOrSecured('revenue:write', 'spend:write'),
    request: { params: SpendParams },
    responses: { 200: json(SpendDto, 'The deleted cost'), ...errors(404, 429) },
  });

  return router()
    .openapi(create, async (c) => {
      const p = c.get('principal');
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const dto = await c.get('em').transactional(async (tx) => {
        const campaign = await campaignMoney(tx, p.companyId, id, true);
        const currency = input.currency ?? campaign.currency;
        if (currency !== campaign.currency) throw ValidationError.field('currency', `must be ${campaign.currency}, the campaign's currency`);
        const amount = normalizeAmount(input.amount, currency, 'amount');
        if (Number(amount) <= 0) throw ValidationError.field('amount', 'must be more than 0');
        const row = (
          await sqlOf(tx).raw<{ rows: Row[] }>(
            `insert into spend_entries (company_id, campaign_id, amount, currency, category, channel, description, incurred_on, created_by_id)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
            [p.companyId, id, amount, currency, input.category, input.channel ?? null, input.description || null, input.incurredOn, p.userId],
          )
        ).rows[0]!;
        await auditPrincipal(tx, c, { action: 'campaign.spend_recorded', entityType: 'campaign', entityId: id, after: { spendId: row.id, amount, currency, category: input.category, incurredOn: input.incurredOn } });
        return toDto(row);
      });
      return c.json(dto, 201);
    })
    .openapi(list, async (c) => {
      const { companyId } = c.get('caller');
      const { id } = c.req.valid('param');
      const em = c.get('em');
      const campaign = await campaignMoney(em, companyId, id);
      const rows = (await sqlOf(em).raw<{ rows: Row[] }>(`select ${COLUMNS} from spend_entries where company_id = ? and campaign_id = ? order by incurred_on desc, created_at desc, id`, [companyId, id])).rows;
      const total = (await sqlOf(em).raw<{ rows: { total: string }[] }>(`select coalesce(sum(amount), 0)::text as total from spend_entries where company_id = ? and campaign_id = ?`, [companyId, id])).rows[0]!.total;
      return c.json(
        {
          items: rows.map(toDto),
          total: normalizeAmount(total, campaign.currency),
          currency: campaign.currency,
          budget: normalizeAmount(campaign.total_budget, campaign.currency),
          actualSpend: normalizeAmount(campaign.actual_spend, campaign.currency),
        },
        200,
      );
    })
    .openapi(remove, async (c) => {
      const p = c.get('principal');
      const { id, spendId } = c.req.valid('param');
      const dto = await c.get('em').transactional(async (tx) => {
        await campaignMoney(tx, p.companyId, id, true);
        const row = (await sqlOf(tx).raw<{ rows: Row[] }>(`delete from spend_entries where id = ? and campaign_id = ? and company_id = ? returning ${COLUMNS}`, [spendId, id, p.companyId])).rows[0];
        if (!row) throw new NotFoundError('spend entry', spendId);
        const dto = toDto(row);
        await auditPrincipal(tx, c, { action: 'campaign.spend_deleted', entityType: 'campaign', entityId: id, before: dto });
        return dto;
      });
      return c.json(dto, 200);
    });
}
