/**
 * The company's exchange rates (admin settings): how much of the company's currency one unit of
 * another supported currency is worth from a given day on. Company analytics convert each
 * campaign's money with the latest rate on or before the money's day, so a rate set or corrected
 * for earlier days applies to them on the next read. Rates are entered by the company; Herald
 * fetches none.
 */
import { createRoute } from '@hono/zod-openapi';
import { NotFoundError, ValidationError, type FieldIssue } from '../domain/errors.ts';
import { isIso4217 } from '../domain/currency.ts';
import { sqlOf } from '../db/sql.ts';
import { audit } from './audit.ts';
import { body, errors, IdParam, json, router, secured, z } from './openapi.ts';

const RateDto = z
  .object({
    id: z.uuid(),
    currency: z.string(),
    rate: z.string().openapi({ example: '1.1', description: "Units of the company's currency for one unit of `currency`" }),
    effectiveFrom: z.string().openapi({ example: '2026-11-01', description: 'The first local day it applies to; until the next rate of the currency' }),
    updatedAt: z.string(),
  })
  .openapi('ExchangeRate');

const RateList = z.object({ currency: z.string().openapi({ description: "The company's currency (rate 1, never stored)" }), items: z.array(RateDto) }).openapi('ExchangeRateList');

// Plain strings: each problem becomes a 422 naming its field, with a message a person can act on.
const RateInput = z.strictObject({ currency: z.string().max(8), rate: z.string().max(64), effectiveFrom: z.string().max(32) }).openapi('ExchangeRateInput');

const RATE_RE = /^\d{1,14}(\.\d{1,10})?$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

interface Row {
  id: string;
  currency: string;
  rate: string;
  effective_from: string;
  updated_at: Date;
}
const COLUMNS = `id, currency, rtrim(rtrim(rate::text, '0'), '.') as rate, to_char(effective_from, 'YYYY-MM-DD') as effective_from, updated_at`;
const toDto = (r: Row) => ({ id: r.id, currency: r.currency, rate: r.rate, effectiveFrom: r.effective_from, updatedAt: new Date(r.updated_at).toISOString() });

function problemsOf(input: z.infer<typeof RateInput>, company: { currency: string; supported: string[] }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isIso4217(input.currency)) issues.push({ field: 'currency', message: 'is not an ISO 4217 currency code' });
  else if (input.currency === company.currency) issues.push({ field: 'currency', message: `is the company currency: its rate is always 1` });
  else if (!company.supported.includes(input.currency)) issues.push({ field: 'currency', message: `is not one of the company's supported currencies (${company.supported.join(', ')})` });
  if (!RATE_RE.test(input.rate) || !/[1-9]/.test(input.rate)) issues.push({ field: 'rate', message: 'must be a positive decimal such as "1.0825" (up to 10 decimal places)' });
  const day = new Date(`${input.effectiveFrom}T00:00:00Z`);
  if (!DAY_RE.test(input.effectiveFrom) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== input.effectiveFrom) {
    issues.push({ field: 'effectiveFrom', message: 'must be a date, YYYY-MM-DD' });
  }
  return issues;
}

export function exchangeRateRoutes() {
  const list = createRoute({ method: 'get', path: '/exchange-rates', tags: ['Admin'], summary: "My company's exchange rates into its currency, newest first per currency", ...secured('read'), responses: { 200: json(RateList, 'Rates'), ...errors() } });
  const put = createRoute({ method: 'put', path: '/exchange-rates', tags: ['Admin'], summary: 'Set the rate of a supported currency from a day on (replaces that day’s rate); analytics use it at once, earlier days included', ...secured('admin'), request: { body: body(RateInput) }, responses: { 200: json(RateDto, 'Saved'), ...errors() } });
  const remove = createRoute({ method: 'delete', path: '/exchange-rates/{id}', tags: ['Admin'], summary: 'Remove a rate: its days take the previous rate of the currency, or none', ...secured('admin'), request: { params: IdParam }, responses: { 200: json(RateDto, 'Removed'), ...errors(404) } });

  return router()
    .openapi(list, async (c) => {
      const companyId = c.get('caller').companyId;
      const sql = sqlOf(c.get('em'));
      const company = (await sql.raw<{ rows: { currency: string }[] }>(`select currency from companies where id = ?`, [companyId])).rows[0]!;
      const rows = (await sql.raw<{ rows: Row[] }>(`select ${COLUMNS} from exchange_rates where company_id = ? order by currency, effective_from desc`, [companyId])).rows;
      return c.json({ currency: company.currency, items: rows.map(toDto) }, 200);
    })
    .openapi(put, async (c) => {
      const input = c.req.valid('json');
      const caller = c.get('caller');
      const em = c.get('em');
      const saved = await em.transactional(async (tx) => {
        const sql = sqlOf(tx);
        const company = (await sql.raw<{ rows: { currency: string; supported_currencies: string[] }[] }>(`select currency, supported_currencies from companies where id = ?`, [caller.companyId])).rows[0]!;
        const issues = problemsOf(input, { currency: company.currency, supported: company.supported_currencies });
        if (issues.length) throw new ValidationError(issues);
        const before = (await sql.raw<{ rows: Row[] }>(`select ${COLUMNS} from exchange_rates where company_id = ? and currency = ? and effective_from = ?::date`, [caller.companyId, input.currency, input.effectiveFrom])).rows[0];
        const row = (
          await sql.raw<{ rows: Row[] }>(
            `insert into exchange_rates (company_id, currency, rate, effective_from, created_by_id) values (?, ?, ?::numeric, ?::date, ?)
             on conflict (company_id, currency, effective_from) do update set rate = excluded.rate, created_by_id = excluded.created_by_id, updated_at = now()
             returning ${COLUMNS}`,
            [caller.companyId, input.currency, input.rate, input.effectiveFrom, caller.userId],
          )
        ).rows[0]!;
        await audit(tx, c, { action: 'exchange_rate.set', entityType: 'exchange_rate', entityId: row.id, before: before ? toDto(before) : null, after: toDto(row) });
        return toDto(row);
      });
      return c.json(saved, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const caller = c.get('caller');
      const removed = await c.get('em').transactional(async (tx) => {
        const row = (await sqlOf(tx).raw<{ rows: Row[] }>(`delete from exchange_rates where id = ? and company_id = ? returning ${COLUMNS}`, [id, caller.companyId])).rows[0];
        if (!row) throw new NotFoundError('exchange rate', id);
        await audit(tx, c, { action: 'exchange_rate.removed', entityType: 'exchange_rate', entityId: row.id, before: toDto(row), after: null });
        return toDto(row);
      });
      return c.json(removed, 200);
    });
}
