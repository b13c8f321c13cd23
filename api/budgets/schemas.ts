/** What the budget routes accept and return (seed 001 CampaignBudget). Money: decimal strings with their currency. */
import { BUDGET_TYPES } from '../../db/entities/campaign.ts';
import { z } from '../openapi-zod.ts';
import { PageQuery, pageOf } from '../openapi.ts';
import { BoolQuery } from '../segments/query.ts';

const Decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string such as "5000.00"').openapi({ example: '50000.00' });
const MoneyOut = z.object({ amount: z.string().openapi({ example: '50000.00' }), currency: z.string().openapi({ example: 'USD' }) });

export const Budget = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    type: z.enum(BUDGET_TYPES),
    fiscalYear: z.number().int(),
    total: MoneyOut,
    approvalThreshold: MoneyOut,
    allocationRules: z.record(z.string(), z.unknown()),
    costCentres: z.array(z.string()),
    isActive: z.boolean(),
    campaigns: z.number().int().openapi({ description: 'Campaigns with an allocation from this budget' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Budget');
export type BudgetDto = z.infer<typeof Budget>;

const editable = {
  code: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, - and _ only, starting with a letter or digit')
    .openapi({ example: 'FY26-MKT' }),
  name: z.string().trim().min(1).max(100),
  description: z.string().max(5000).nullable(),
  type: z.enum(BUDGET_TYPES),
  fiscalYear: z.number().int().min(2000).max(2100),
  totalAmount: Decimal,
  currency: z.string().openapi({ description: "ISO 4217, one of the company's currencies; default: the company currency", example: 'USD' }),
  approvalThreshold: Decimal,
  allocationRules: z.record(z.string(), z.unknown()),
  costCentres: z.array(z.string().trim().min(1).max(64)).max(100),
  isActive: z.boolean(),
};

export const BudgetCreate = z
  .strictObject({
    ...editable,
    description: editable.description.optional(),
    currency: editable.currency.optional(),
    approvalThreshold: editable.approvalThreshold.optional(),
    allocationRules: editable.allocationRules.optional(),
    costCentres: editable.costCentres.optional(),
    isActive: editable.isActive.optional(),
  })
  .openapi('BudgetCreate');
export type BudgetInput = z.infer<typeof BudgetCreate>;

export const BudgetPatch = z.strictObject(editable).partial().openapi('BudgetPatch');

export const BudgetListQuery = z.object({
  ...PageQuery,
  fiscal_year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'seed 001 fiscal_year', example: 2026 }),
  is_active: BoolQuery.openapi({ description: 'seed 001 is_active' }),
  type: z.enum(BUDGET_TYPES).optional(),
  q: z.string().max(200).optional().openapi({ description: 'Free text over code, name and description' }),
  sort: z.enum(['name', 'code', 'fiscalYear', 'total', 'createdAt']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const BudgetPage = pageOf(Budget, 'BudgetPage');

export const BudgetUtilisation = z
  .object({
    budgetId: z.uuid(),
    currency: z.string(),
    total: z.string(),
    allocated: z.string().openapi({ description: 'Allocations of planned, running and finished campaigns (cancelled, rejected and failed ones release theirs)' }),
    committed: z.string().openapi({ description: 'Allocations of approved, scheduled, sending and paused campaigns' }),
    spent: z.string().openapi({ description: "Campaigns' actual spend, shared between their budgets by allocation" }),
    remaining: z.string().openapi({ description: 'Total − spent − what committed campaigns may still spend; negative when over-committed' }),
    campaigns: z.array(z.object({ id: z.uuid(), code: z.string(), name: z.string(), status: z.string(), allocated: z.string(), spent: z.string().nullable() })),
    warnings: z.array(z.object({ campaignId: z.uuid(), message: z.string() })),
  })
  .openapi('BudgetUtilisation', { description: "Amounts are decimal strings in the budget's currency, rounded once to its minor unit" });
