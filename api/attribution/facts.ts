/** What conversions and orders share: money in the right currency, instants, and the repeat rule. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { currencyProblem } from '../../domain/currency.ts';
import { parseInstant } from '../../domain/dates.ts';
import { ConflictError, type FieldIssue } from '../../domain/errors.ts';
import { normalizeAmount } from '../../domain/money.ts';
import { ValidationError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import { z } from '../openapi.ts';
import type { Attribution } from './attribute.ts';

export const Amount = z
  .union([z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal such as "120.50"'), z.number().nonnegative().finite()])
  .transform((v) => String(v))
  .openapi({ example: '120.50', description: 'A non-negative decimal, as a string (a JSON number is accepted too)' });

export const InstantField = z
  .string()
  .max(40)
  .refine((v) => parseInstant(v) !== null, 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00Z')
  .openapi({ example: '2026-12-01T09:00:00Z' });

export const Outcome = z.enum(['created', 'unchanged', 'updated']).openapi({ description: 'created: stored now; unchanged: this external id was already stored with the same facts; updated: a lead stage or order status moved on' });

export interface CompanyMoney {
  currency: string;
  supported: string[];
}

export async function companyMoney(em: EntityManager, companyId: string): Promise<CompanyMoney> {
  const row = (await sqlOf(em).raw<{ rows: { currency: string; supported_currencies: string[] }[] }>(`select currency, supported_currencies from companies where id = ?`, [companyId])).rows[0]!;
  return { currency: row.currency, supported: row.supported_currencies };
}

/**
 * The amount in canonical form and its currency: the campaign's when attributed (a value in another
 * currency could not be added to the campaign's revenue), otherwise the one given or the company's.
 */
export function moneyOf(value: string, given: string | undefined, a: Attribution, company: CompanyMoney, at: string, issues: FieldIssue[]): { value: string; currency: string } | null {
  const currency = given ?? a.campaignCurrency ?? company.currency;
  if (a.campaignCurrency && currency !== a.campaignCurrency) {
    issues.push({ field: `${at}currency`, message: `must be ${a.campaignCurrency}, the currency of the campaign it is attributed to` });
    return null;
  }
  const problem = currencyProblem(currency, [...new Set([...company.supported, company.currency, ...(a.campaignCurrency ? [a.campaignCurrency] : [])])]);
  if (problem) {
    issues.push({ field: `${at}currency`, message: problem });
    return null;
  }
  try {
    return { value: normalizeAmount(value, currency, `${at}value`), currency };
  } catch (e) {
    if (e instanceof ValidationError) issues.push(...e.issues);
    else throw e;
    return null;
  }
}

/** Duplicate external ids inside one batch: the second names the first. */
export function duplicateIssues(ids: readonly string[], at: (i: number) => string): FieldIssue[] {
  const first = new Map<string, number>();
  const issues: FieldIssue[] = [];
  ids.forEach((id, i) => {
    const j = first.get(id);
    if (j === undefined) first.set(id, i);
    else issues.push({ field: `${at(i)}externalId`, message: `${id} appears twice in this batch (also at ${at(j) || 'the first item'})` });
  });
  return issues;
}

/** A repeated external id whose facts differ: nothing of the request is written. */
export function repeatConflict(kind: string, issues: FieldIssue[]): ConflictError {
  return new ConflictError(
    `a ${kind} with this externalId is already stored with different facts: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    'external_id_conflict',
    { issues },
  );
}

export const sameInstant = (a: Date | string, b: Date | string) => new Date(a).getTime() === new Date(b).getTime();
