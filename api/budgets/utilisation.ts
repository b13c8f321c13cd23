/**
 * How much of a budget is used, from the campaigns drawing on it. Pure: amounts come in as the
 * decimal strings PostgreSQL returns for numeric(18,4), are computed as bigint ten-thousandths and
 * rounded once, at the end, to the budget currency's minor unit (half away from zero).
 *
 * - allocated: what campaigns that are planned, running or done draw from it (cancelled, rejected
 *   and failed campaigns release their allocation);
 * - committed: the allocations of campaigns approved, scheduled, sending or paused (paused ones
 *   still hold theirs: they may resume);
 * - spent: each campaign's actual spend, shared between its budgets in proportion to its
 *   allocations (a campaign on one budget puts all its spend there);
 * - remaining: the total minus what is spent and minus what committed campaigns may still spend
 *   (their allocation beyond their spend so far).
 */
import { fromMinorUnits } from '../../domain/money.ts';
import { currencyExponent } from '../../domain/currency.ts';

const SCALE = 4;

export const COMMITTED_STATES = ['approved', 'scheduled', 'sending', 'paused'] as const;
const RELEASED_STATES = ['cancelled', 'rejected', 'failed'];

export interface CampaignDraw {
  id: string;
  code: string;
  name: string;
  status: string;
  currency: string;
  /** This budget's allocation to the campaign, in the budget's currency. */
  allocated: string;
  /** Every allocation of the campaign, this budget's included. */
  campaignAllocated: string;
  actualSpend: string;
}

export interface Utilisation {
  currency: string;
  total: string;
  allocated: string;
  committed: string;
  spent: string;
  remaining: string;
  campaigns: { id: string; code: string; name: string; status: string; allocated: string; spent: string | null }[];
  warnings: { campaignId: string; message: string }[];
}

/** "5000.5" → 50005000n (ten-thousandths). */
export function toScaled(value: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new RangeError(`not a decimal: ${value}`);
  const frac = (m[3] ?? '').padEnd(SCALE, '0');
  if (/[^0]/.test(frac.slice(SCALE))) throw new RangeError(`more than ${SCALE} decimal places: ${value}`);
  const v = BigInt(m[2]! + frac.slice(0, SCALE));
  return m[1] ? -v : v;
}

/** Ten-thousandths as the currency's canonical decimal string, rounded half away from zero. */
export function scaledToMoney(value: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const div = 10n ** BigInt(SCALE - Math.min(exp, SCALE));
  const neg = value < 0n;
  const abs = neg ? -value : value;
  let minor = abs / div;
  if ((abs % div) * 2n >= div) minor += 1n;
  minor *= 10n ** BigInt(Math.max(exp - SCALE, 0));
  return fromMinorUnits(neg ? -minor : minor, exp);
}

export function computeUtilisation(budget: { totalAmount: string; currency: string }, draws: CampaignDraw[]): Utilisation {
  let allocated = 0n;
  let committed = 0n;
  let spent = 0n;
  let stillCommitted = 0n;
  const warnings: Utilisation['warnings'] = [];
  const campaigns: Utilisation['campaigns'] = [];
  for (const d of draws) {
    const share = toScaled(d.allocated);
    const released = RELEASED_STATES.includes(d.status);
    if (!released) allocated += share;
    let spentHere: bigint | null = null;
    if (d.currency !== budget.currency) {
      warnings.push({ campaignId: d.id, message: `${d.code} is in ${d.currency}, the budget in ${budget.currency}: its spend is not counted here` });
    } else {
      const all = toScaled(d.campaignAllocated);
      spentHere = all > 0n ? (toScaled(d.actualSpend) * share) / all : 0n;
      spent += spentHere;
    }
    if ((COMMITTED_STATES as readonly string[]).includes(d.status)) {
      committed += share;
      const unspent = share - (spentHere ?? 0n);
      if (unspent > 0n) stillCommitted += unspent;
    }
    campaigns.push({
      id: d.id,
      code: d.code,
      name: d.name,
      status: d.status,
      allocated: scaledToMoney(share, budget.currency),
      spent: spentHere === null ? null : scaledToMoney(spentHere, budget.currency),
    });
  }
  const total = toScaled(budget.totalAmount);
  const money = (v: bigint) => scaledToMoney(v, budget.currency);
  return {
    currency: budget.currency,
    total: money(total),
    allocated: money(allocated),
    committed: money(committed),
    spent: money(spent),
    remaining: money(total - spent - stillCommitted),
    campaigns,
    warnings,
  };
}
