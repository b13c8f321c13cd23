/** What conversions and orders share: money in the right currency, instants, the repeat rule and the way a batch is stored. */
import type { Context } from 'hono';
import type { EntityManager } from '@mikro-orm/postgresql';
import { currencyProblem } from '../../domain/currency.ts';
import { parseInstant } from '../../domain/dates.ts';
import { ConflictError, type FieldIssue } from '../../domain/errors.ts';
import { normalizeAmount } from '../../domain/money.ts';
import { ValidationError } from '../../domain/errors.ts';
import { sqlOf } from '../../db/sql.ts';
import { z } from '../openapi.ts';
import type { ApiEnv } from '../context.ts';
import { attributeAll, type Attribution, type AttributionInput } from './attribute.ts';

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

/** A fact's row as written: what every kind carries besides its own columns. */
export interface FactRow {
  external_id: string;
  campaign_id: string | null;
}

/** The attribution's columns of a written row. */
export interface AttributedRow extends FactRow {
  channel: string | null;
  variant: string | null;
  recipient_id: number | null;
  contact_id: string | null;
  region: string | null;
}

export const attributedColumns = (a: Attribution): Omit<AttributedRow, 'external_id'> => ({
  campaign_id: a.campaignId,
  channel: a.channel,
  variant: a.variant,
  recipient_id: a.recipientId,
  contact_id: a.contactId,
  region: a.region,
});

/** How one kind of fact (conversions, orders) is stored by its external id; `recordFacts` runs the rest. */
export interface FactKind<X extends FactInput, R extends FactRow, S extends FactRow, M extends { external_id: string }, D> {
  /** Names it in a conflict ("a conversion with this externalId …"). */
  kind: string;
  /**
   * `insert … select ? (company_id), x.… from jsonb_to_recordset(?::jsonb) as x(…) on conflict (company_id, external_id)
   * do nothing returning external_id` — bound to the company and the rows.
   */
  insertSql: string;
  /** The amount `moneyOf` checks (a conversion may leave it out). */
  valueOf(x: X): string;
  toRow(x: X, a: Attribution, money: { value: string; currency: string } | null, company: CompanyMoney, now: Date): R;
  /** The stored rows of these external ids, by external id. */
  load(em: EntityManager, companyId: string, ids: string[]): Promise<Map<string, S>>;
  /** A repeat must state the same facts (`differ` for each that does not); returns what moves on, if anything. */
  compare(x: X, row: R, stored: S, differ: (field: string, was: unknown) => void): M | undefined;
  applyMoves(em: EntityManager, companyId: string, moves: M[]): Promise<void>;
  toDto(stored: S, outcome: z.infer<typeof Outcome>): D;
}

/** An item as attribution reads it, with its external id and the currency it states. */
export type FactInput = AttributionInput & { externalId: string; currency?: string };

/**
 * Records a batch in one transaction: every item, or (on any invalid or conflicting one) none.
 * `issues` holds what the caller found before (duplicates in the batch, the kind's own rules).
 * New external ids are inserted; a repeat that states the same facts is unchanged, one that moves a
 * lead stage or an order status on is updated, one that contradicts what is stored is a 409.
 */
export async function recordFacts<X extends FactInput, R extends FactRow, S extends FactRow, M extends { external_id: string }, D>(
  c: Context<ApiEnv>,
  fact: FactKind<X, R, S, M, D>,
  items: X[],
  at: (i: number) => string,
  issues: FieldIssue[],
): Promise<D[]> {
  if (issues.length > 0) throw new ValidationError(issues);
  const { companyId } = c.get('principal');
  const deps = c.get('deps');
  return c.get('em').transactional(async (tx) => {
    const company = await companyMoney(tx, companyId);
    const attribution = await attributeAll(tx, deps.config.trackingSecret, companyId, items, at);
    const now = new Date();
    const rows = items.map((x, i) => fact.toRow(x, attribution[i]!, moneyOf(fact.valueOf(x), x.currency, attribution[i]!, company, at(i), issues), company, now));
    if (issues.length > 0) throw new ValidationError(issues);

    const inserted = await sqlOf(tx).raw<{ rows: { external_id: string }[] }>(fact.insertSql, [companyId, JSON.stringify(rows)]);
    const created = new Set(inserted.rows.map((r) => r.external_id));
    const repeats = items.map((x, i) => ({ x, i, row: rows[i]! })).filter((r) => !created.has(r.x.externalId));
    const stored = repeats.length > 0 ? await fact.load(tx, companyId, repeats.map((r) => r.x.externalId)) : new Map<string, S>();
    const moves: M[] = [];
    for (const { x, i, row } of repeats) {
      const s = stored.get(x.externalId)!;
      const differ = (field: string, was: unknown) => issues.push({ field: `${at(i)}${field}`, message: `differs from the stored ${JSON.stringify(was)}` });
      if (row.campaign_id !== null && s.campaign_id !== row.campaign_id) differ(x.token ? 'token' : x.recipientId ? 'recipientId' : 'utmCampaign', `attributed to campaign ${s.campaign_id ?? 'none'}`);
      const move = fact.compare(x, row, s, differ);
      if (move) moves.push(move);
    }
    if (issues.length > 0) throw repeatConflict(fact.kind, issues);
    if (moves.length > 0) await fact.applyMoves(tx, companyId, moves);

    const all = await fact.load(tx, companyId, items.map((x) => x.externalId));
    const moved = new Set(moves.map((m) => m.external_id));
    return items.map((x) => fact.toDto(all.get(x.externalId)!, created.has(x.externalId) ? 'created' : moved.has(x.externalId) ? 'updated' : 'unchanged'));
  });
}
