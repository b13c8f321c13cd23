/** /api/budgets: fiscal-year budgets (seed 001 CampaignBudget) with seed 001's fiscal_year and is_active filters, and their utilisation. */
import { createRoute } from '@hono/zod-openapi';
import { audit } from '../audit.ts';
import { body, errors, IdParam, json, router, secured } from '../openapi.ts';
import { Budget, BudgetCreate, BudgetListQuery, BudgetPage, BudgetPatch, BudgetUtilisation, type BudgetDto } from './schemas.ts';
import { budgetUtilisation, createBudget, deleteBudget, listBudgets, loadBudget, updateBudget } from './store.ts';

const tags = ['Budgets'];

const audited = ({ campaigns: _c, createdAt: _a, updatedAt: _u, id: _i, ...rest }: BudgetDto) => rest;

export function budgetRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'List budgets: paginated, by fiscal_year, is_active and type, searched',
    ...secured('read'),
    request: { query: BudgetListQuery },
    responses: { 200: json(BudgetPage, 'A page of budgets'), ...errors() },
  });
  const create = createRoute({
    method: 'post',
    path: '/',
    tags,
    summary: "Create a budget (amounts as decimal strings in one of the company's currencies)",
    ...secured('create'),
    request: { body: body(BudgetCreate) },
    responses: { 201: json(Budget, 'Created'), ...errors() },
  });
  const get = createRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: 'A budget',
    ...secured('read'),
    request: { params: IdParam },
    responses: { 200: json(Budget, 'The budget'), ...errors(404) },
  });
  const utilisation = createRoute({
    method: 'get',
    path: '/{id}/utilisation',
    tags,
    summary: 'Allocated, committed, spent and remaining, with the campaigns drawing on the budget',
    ...secured('read'),
    request: { params: IdParam },
    responses: { 200: json(BudgetUtilisation, 'The utilisation'), ...errors(404) },
  });
  const update = createRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    summary: 'Edit a budget; its currency cannot change once campaigns draw on it (409)',
    ...secured('update'),
    request: { params: IdParam, body: body(BudgetPatch) },
    responses: { 200: json(Budget, 'Saved'), ...errors(404, 409) },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Delete a budget no campaign draws on (409 otherwise: deactivate it instead)',
    ...secured('delete'),
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errors(404, 409) },
  });

  return router()
    .openapi(list, async (c) => c.json(await listBudgets(c.get('em'), c.get('caller').companyId, c.req.valid('query')), 200))
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const created = await c.get('em').transactional(async (tx) => {
        const id = await createBudget(tx, caller, input);
        const budget = await loadBudget(tx, caller.companyId, id);
        await audit(tx, c, { action: 'budget.created', entityType: 'budget', entityId: id, after: audited(budget) });
        return budget;
      });
      c.header('Location', `/api/budgets/${created.id}`);
      return c.json(created, 201);
    })
    .openapi(get, async (c) => c.json(await loadBudget(c.get('em'), c.get('caller').companyId, c.req.valid('param').id), 200))
    .openapi(utilisation, async (c) => c.json(await budgetUtilisation(c.get('em'), c.get('caller').companyId, c.req.valid('param').id), 200))
    .openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const caller = c.get('caller');
      const after = await c.get('em').transactional(async (tx) => {
        const before = await loadBudget(tx, caller.companyId, id, true);
        await updateBudget(tx, caller, before, patch);
        const after = await loadBudget(tx, caller.companyId, id);
        await audit(tx, c, { action: 'budget.updated', entityType: 'budget', entityId: id, before: audited(before), after: audited(after) });
        return after;
      });
      return c.json(after, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      await c.get('em').transactional(async (tx) => {
        // The row lock holds off a new allocation meanwhile (its foreign key needs a key-share lock).
        const before = await loadBudget(tx, caller.companyId, id, true);
        await deleteBudget(tx, caller, before);
        await audit(tx, c, { action: 'budget.deleted', entityType: 'budget', entityId: id, before: audited(before) });
      });
      return c.body(null, 204);
    });
}
