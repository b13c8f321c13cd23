/** Campaign budgets for the API: one SQL statement per read, writes in the caller's transaction, money never a float. */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { currencyExponent, currencyProblem } from '../../domain/currency.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { normalizeAmount, parseMinor } from '../../domain/money.ts';
import { sqlOf } from '../../db/sql.ts';
import type { Caller } from '../context.ts';
import type { z } from '../openapi-zod.ts';
import { containsPattern, iso, isUniqueViolation } from '../segments/query.ts';
import type { BudgetDto, BudgetInput, BudgetListQuery, BudgetPatch } from './schemas.ts';
import { computeUtilisation, type CampaignDraw, type Utilisation } from './utilisation.ts';

const COLUMNS = `b.id, b.code, b.name, b.description, b.type, b.fiscal_year, b.total_amount::text as total_amount, b.currency,
  b.approval_threshold::text as approval_threshold, b.allocation_rules, b.cost_centres, b.is_active, b.created_at, b.updated_at,
  (select count(*) from campaign_budget_allocations a where a.budget_id = b.id)::int as campaigns`;

interface Row {
  id: string;
  code: string;
  name: string;
  description: string | null;
  type: BudgetDto['type'];
  fiscal_year: number;
  total_amount: string;
  currency: string;
  approval_threshold: string;
  allocation_rules: Record<string, unknown>;
  cost_centres: string[];
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  campaigns: number;
}

/** numeric(18,4) as the currency's canonical string; a stored sub-unit amount keeps its digits. */
function money(value: string, currency: string): { amount: string; currency: string } {
  try {
    return { amount: normalizeAmount(value, currency), currency };
  } catch {
    return { amount: value, currency };
  }
}

const toDto = (r: Row): BudgetDto => ({
  id: r.id,
  code: r.code,
  name: r.name,
  description: r.description,
  type: r.type,
  fiscalYear: r.fiscal_year,
  total: money(r.total_amount, r.currency),
  approvalThreshold: money(r.approval_threshold, r.currency),
  allocationRules: r.allocation_rules,
  costCentres: r.cost_centres,
  isActive: r.is_active,
  campaigns: r.campaigns,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const SORT_SQL: Record<z.infer<typeof BudgetListQuery>['sort'], string> = {
  name: 'lower(b.name)',
  code: 'b.code',
  fiscalYear: 'b.fiscal_year',
  total: 'b.total_amount',
  createdAt: 'b.created_at',
};

export async function listBudgets(em: EntityManager, companyId: string, q: z.infer<typeof BudgetListQuery>) {
  const where = ['b.company_id = ?'];
  const params: Knex.Value[] = [companyId];
  if (q.fiscal_year !== undefined) {
    where.push('b.fiscal_year = ?');
    params.push(q.fiscal_year);
  }
  if (q.is_active !== undefined) {
    where.push('b.is_active = ?');
    params.push(q.is_active);
  }
  if (q.type) {
    where.push('b.type = ?');
    params.push(q.type);
  }
  if (q.q) {
    const like = containsPattern(q.q);
    where.push('(b.code ilike ? or b.name ilike ? or b.description ilike ?)');
    params.push(like, like, like);
  }
  const sql = sqlOf(em);
  const whereSql = where.join(' and ');
  const [rows, total] = await Promise.all([
    sql.raw<{ rows: Row[] }>(
      `select ${COLUMNS} from campaign_budgets b where ${whereSql} order by ${SORT_SQL[q.sort]} ${q.order === 'asc' ? 'asc' : 'desc'} nulls last, b.id limit ? offset ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    sql.raw<{ rows: { n: string }[] }>(`select count(*) as n from campaign_budgets b where ${whereSql}`, params),
  ]);
  return { items: rows.rows.map(toDto), page: q.page, pageSize: q.pageSize, total: Number(total.rows[0]!.n) };
}

export async function loadBudget(em: EntityManager, companyId: string, id: string, lock = false): Promise<BudgetDto> {
  const res = await sqlOf(em).raw<{ rows: Row[] }>(`select ${COLUMNS} from campaign_budgets b where b.id = ? and b.company_id = ?${lock ? ' for update of b' : ''}`, [id, companyId]);
  const r = res.rows[0];
  if (!r) throw new NotFoundError('budget', id);
  return toDto(r);
}

interface Checked {
  currency: string;
  totalAmount: string;
  approvalThreshold: string;
}

/** The currency against the company's, and each amount against the currency's minor unit. */
async function checkMoney(em: EntityManager, companyId: string, input: { currency: string; totalAmount: string; approvalThreshold: string }, currencyField: boolean): Promise<Checked> {
  const company = (await sqlOf(em).raw<{ rows: { supported_currencies: string[] }[] }>(`select supported_currencies from companies where id = ?`, [companyId])).rows[0]!;
  const issues: FieldIssue[] = [];
  const problem = currencyField ? currencyProblem(input.currency, company.supported_currencies) : null;
  if (problem) throw ValidationError.field('currency', problem);
  const exp = currencyExponent(input.currency);
  for (const field of ['totalAmount', 'approvalThreshold'] as const) {
    const parsed = parseMinor(input[field], exp);
    if (!parsed.ok) issues.push({ field, message: parsed.reason });
  }
  if (issues.length) throw new ValidationError(issues);
  return { currency: input.currency, totalAmount: normalizeAmount(input.totalAmount, input.currency), approvalThreshold: normalizeAmount(input.approvalThreshold, input.currency) };
}

const CODE_TAKEN = () => ValidationError.field('code', 'another budget already has this code');

async function guardCode<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err, 'campaign_budgets_company_id_code_unique')) throw CODE_TAKEN();
    throw err;
  }
}

async function assertCodeFree(em: EntityManager, companyId: string, code: string, exceptId: string | null): Promise<void> {
  const res = await sqlOf(em).raw<{ rows: unknown[] }>(`select 1 from campaign_budgets where company_id = ? and code = ? and id is distinct from ?`, [companyId, code, exceptId]);
  if (res.rows.length) throw CODE_TAKEN();
}

export async function createBudget(em: EntityManager, caller: Caller, input: BudgetInput): Promise<string> {
  const currency = input.currency ?? (await sqlOf(em).raw<{ rows: { currency: string }[] }>(`select currency from companies where id = ?`, [caller.companyId])).rows[0]!.currency;
  const m = await checkMoney(em, caller.companyId, { currency, totalAmount: input.totalAmount, approvalThreshold: input.approvalThreshold ?? '0' }, true);
  await assertCodeFree(em, caller.companyId, input.code, null);
  const res = await guardCode(() =>
    sqlOf(em).raw<{ rows: { id: string }[] }>(
      `insert into campaign_budgets (company_id, code, name, description, type, fiscal_year, total_amount, currency, approval_threshold, allocation_rules, cost_centres, is_active)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [
        caller.companyId, input.code, input.name, input.description ?? null, input.type, input.fiscalYear, m.totalAmount, m.currency, m.approvalThreshold,
        JSON.stringify(input.allocationRules ?? {}), JSON.stringify(input.costCentres ?? []), input.isActive ?? true,
      ],
    ),
  );
  return res.rows[0]!.id;
}

export async function updateBudget(em: EntityManager, caller: Caller, current: BudgetDto, patch: z.infer<typeof BudgetPatch>): Promise<void> {
  const currencyChanges = patch.currency !== undefined && patch.currency !== current.total.currency;
  if (currencyChanges && current.campaigns > 0) {
    throw new ConflictError(`the currency of budget ${current.code} cannot change: ${current.campaigns} campaign(s) have allocations in ${current.total.currency}`, 'budget_in_use', {
      campaigns: current.campaigns,
    });
  }
  const m = await checkMoney(
    em,
    caller.companyId,
    { currency: patch.currency ?? current.total.currency, totalAmount: patch.totalAmount ?? current.total.amount, approvalThreshold: patch.approvalThreshold ?? current.approvalThreshold.amount },
    currencyChanges,
  );
  if (patch.code !== undefined && patch.code !== current.code) await assertCodeFree(em, caller.companyId, patch.code, current.id);
  await guardCode(() =>
    sqlOf(em).raw(
      `update campaign_budgets set code = ?, name = ?, description = ?, type = ?, fiscal_year = ?, total_amount = ?, currency = ?, approval_threshold = ?,
              allocation_rules = ?, cost_centres = ?, is_active = ?, updated_at = now()
        where id = ? and company_id = ?`,
      [
        patch.code ?? current.code, patch.name ?? current.name, patch.description === undefined ? current.description : patch.description, patch.type ?? current.type,
        patch.fiscalYear ?? current.fiscalYear, m.totalAmount, m.currency, m.approvalThreshold, JSON.stringify(patch.allocationRules ?? current.allocationRules),
        JSON.stringify(patch.costCentres ?? current.costCentres), patch.isActive ?? current.isActive, current.id, caller.companyId,
      ],
    ),
  );
}

export async function deleteBudget(em: EntityManager, caller: Caller, current: BudgetDto): Promise<void> {
  if (current.campaigns > 0) {
    throw new ConflictError(`cannot delete budget ${current.code}: ${current.campaigns} campaign(s) have allocations from it; deactivate it instead (isActive: false)`, 'budget_in_use', {
      campaigns: current.campaigns,
    });
  }
  await sqlOf(em).raw(`delete from campaign_budgets where id = ? and company_id = ?`, [current.id, caller.companyId]);
}

export async function budgetUtilisation(em: EntityManager, companyId: string, id: string): Promise<Utilisation & { budgetId: string }> {
  const budget = await loadBudget(em, companyId, id);
  const res = await sqlOf(em).raw<{ rows: CampaignDraw[] }>(
    `select k.id, k.code, k.name, k.status, k.currency, a.amount::text as allocated, k.actual_spend::text as "actualSpend",
            (select sum(x.amount) from campaign_budget_allocations x where x.campaign_id = k.id)::text as "campaignAllocated"
       from campaign_budget_allocations a join campaigns k on k.id = a.campaign_id
      where a.budget_id = ? and a.company_id = ? and k.deleted_at is null
      order by k.start_at, k.code`,
    [id, companyId],
  );
  return { budgetId: id, ...computeUtilisation({ totalAmount: budget.total.amount, currency: budget.total.currency }, res.rows) };
}
