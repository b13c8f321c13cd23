/**
 * The rates a company keeps for turning a campaign's (or a fact's) currency into its own: one rate
 * per currency and effective day; the latest one on or before a fact's local day applies. Company
 * figures across campaigns are converted with them when read (db/repositories/analytics-fx.ts).
 * There is no feed: no network here, and a finance team sets the rates it books with.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export const ExchangeRateSchema = defineEntity({
  name: 'ExchangeRate',
  tableName: 'exchange_rates',
  filters: tenantFilter,
  uniques: [{ name: 'exchange_rates_key', properties: ['company', 'currency', 'effectiveFrom'] }],
  checks: [{ name: 'exchange_rates_rate_check', expression: '(rate > (0)::numeric)' }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    /** ISO 4217 code converted from; the company's own currency is never stored (it is 1). */
    currency: p.string().length(3),
    /** Units of the company's currency for one unit of `currency`. */
    rate: p.decimal().precision(24).scale(10),
    /** The first local day the rate applies to. */
    effectiveFrom: p.date(),
    createdBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type ExchangeRate = InferEntity<typeof ExchangeRateSchema>;
