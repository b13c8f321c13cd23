/**
 * Seed 001 §6 budget rules: a budget is non-negative money within what remains of the fiscal-year
 * budget, and above the company's approval threshold a campaign cannot launch without approval.
 */
import { ConflictError, type FieldIssue } from './errors.ts';
import { currencyExponent, isMonetaryCurrency } from './currency.ts';
import { compareMinor, displayMoney, parseMinor } from './money.ts';

/** Whole-unit digits a budget may have: fits `numeric(16,4)`, which also holds KWD's and CLF's decimals. */
export const MAX_BUDGET_DIGITS = 12;

export interface ApprovalPolicy {
  /** The company's currency: the one its approval threshold is expressed in. */
  currency: string;
  /** Decimal string; a budget strictly above it needs approval. Null: no threshold. */
  approvalThreshold: string | null;
  approvalAlwaysRequired: boolean;
}

export type ApprovalReason = 'always' | 'over_threshold' | 'foreign_currency';

export interface ApprovalRequirement {
  required: boolean;
  reason: ApprovalReason | null;
  /** Why, in words, for the wizard and the 409 when launching without approval. */
  message: string | null;
}

/** What is left of the fiscal-year budget, not counting the campaign being validated. */
export interface RemainingBudget {
  amount: string;
  currency: string;
  fiscalYear?: number;
}

/** Minor units of a budget that `budgetIssues` accepted. */
export function budgetMinor(budget: string, currency: string): bigint {
  const parsed = parseMinor(budget, currencyExponent(currency));
  if (!parsed.ok) throw new RangeError(`budget ${budget}: ${parsed.reason}`);
  return parsed.minor;
}

/**
 * Problems with `budget` (a decimal string; absent means zero) in `currency`. The currency's own
 * validity is reported by the caller; here an unusable currency only loosens the decimal check.
 */
export function budgetIssues(budget: unknown, currency: string, remaining?: RemainingBudget | null): FieldIssue[] {
  if (budget === undefined || budget === null || budget === '') return [];
  const issue = (message: string, field = 'budget'): FieldIssue[] => [{ field, message }];
  if (typeof budget !== 'string') return issue('must be a decimal string such as "5000.00", never a floating-point number');
  const known = isMonetaryCurrency(currency);
  const parsed = parseMinor(budget, known ? currencyExponent(currency) : 4);
  if (!parsed.ok) return issue(parsed.reason);
  if (parsed.minor < 0n) return issue('must not be negative');
  if (budget.split('.')[0]!.replace(/^0+(?=\d)/, '').length > MAX_BUDGET_DIGITS) {
    return issue(`is too large: at most ${MAX_BUDGET_DIGITS} digits before the decimal point`);
  }
  if (!known || !remaining || parsed.minor === 0n) return [];
  if (remaining.currency !== currency) {
    return issue(`cannot be checked against the fiscal-year budget, which is in ${remaining.currency}; use ${remaining.currency}`);
  }
  const left = parseMinor(remaining.amount, currencyExponent(currency));
  if (!left.ok) throw new RangeError(`remaining budget ${remaining.amount}: ${left.reason}`);
  if (compareMinor(parsed.minor, left.minor) > 0) {
    const year = remaining.fiscalYear === undefined ? 'this fiscal year' : `fiscal year ${remaining.fiscalYear}`;
    const available = left.minor > 0n ? displayMoney(left.minor, currency) : `0 ${currency}`;
    return issue(`${displayMoney(parsed.minor, currency)} exceeds the ${available} left in the budget for ${year}`);
  }
  return [];
}

/**
 * Whether a campaign with this budget needs approval. A budget in another currency than the
 * threshold's cannot be compared without exchange rates, so it needs approval unless it is zero.
 */
export function approvalRequirement(budget: { amount: string; currency: string }, policy: ApprovalPolicy): ApprovalRequirement {
  if (policy.approvalAlwaysRequired) {
    return { required: true, reason: 'always', message: 'the company requires approval for every campaign' };
  }
  const minor = budgetMinor(budget.amount, budget.currency);
  if (policy.approvalThreshold === null || minor === 0n) return { required: false, reason: null, message: null };
  if (budget.currency !== policy.currency) {
    return {
      required: true,
      reason: 'foreign_currency',
      message: `the budget is in ${budget.currency}, not ${policy.currency}, so it cannot be compared with the approval threshold`,
    };
  }
  const threshold = budgetMinor(policy.approvalThreshold, policy.currency);
  if (minor > threshold) {
    return {
      required: true,
      reason: 'over_threshold',
      message: `the budget of ${displayMoney(minor, budget.currency)} is above the approval threshold of ${displayMoney(threshold, policy.currency)}`,
    };
  }
  return { required: false, reason: null, message: null };
}

export function approvalRequired(budget: { amount: string; currency: string }, policy: ApprovalPolicy): boolean {
  return approvalRequirement(budget, policy).required;
}

/** Seed 001: a campaign that requires approval cannot be launched (scheduled or sent) without it. */
export function assertLaunchAllowed(requirement: ApprovalRequirement, approved: boolean): void {
  if (!requirement.required || approved) return;
  throw new ConflictError(`this campaign needs approval before it can launch: ${requirement.message ?? 'approval is required'}`, 'approval_required', {
    reason: requirement.reason,
  });
}
