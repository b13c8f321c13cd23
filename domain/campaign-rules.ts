/**
 * Seed 001 §6 for a campaign as a whole: what the API calls on create, update and submit. Every
 * problem is collected into one ValidationError whose issues name the request fields: `name`,
 * `code`, `type`, `category`, `channel`, `startAt`, `endAt`, `budget`, `currency`, `description`,
 * `audience`, `audience.rules…`.
 */
import { ConflictError, ValidationError, type FieldIssue } from './errors.ts';
import { isTerminal, type CampaignState } from './campaign-states.ts';
import { approvalRequirement, budgetIssues, type ApprovalPolicy, type ApprovalRequirement, type RemainingBudget } from './campaign-budget.ts';
import {
  conflictIssue,
  findSchedulingConflicts,
  scheduleIssues,
  type CalendarEntry,
  type SchedulePolicy,
} from './campaign-schedule.ts';
import { currencyProblem } from './currency.ts';
import { ISO_INSTANT_HINT, toInstant } from './dates.ts';
import { normalizeAmount } from './money.ts';
import { isStorableText } from './text.ts';
import { segmentIssues, type FieldCatalogue } from './segment-rules.ts';

/** The channels Herald sends through: only these ever reach a workflow, a recipient row or an adapter. */
export const CAMPAIGN_CHANNELS = ['email', 'sms', 'push', 'whatsapp', 'webhook'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/**
 * Channels Herald does not send through (seed 003's paid ads, social and organic; seed 000's direct
 * mail): a campaign on one is tracked, not sent. Its figures arrive per day through the metrics API
 * or a CSV import. It is submitted and approved like any campaign, then its workflow tracks it from
 * start to end (`sending` means "running") and completes it; it never snapshots an audience.
 */
export const TRACKED_CHANNELS = ['paid_ads', 'social', 'organic', 'direct_mail'] as const;
export type TrackedChannel = (typeof TRACKED_CHANNELS)[number];

/** Every channel a campaign may be on: the sending ones, then the tracked-only ones. */
export const ALL_CAMPAIGN_CHANNELS = [...CAMPAIGN_CHANNELS, ...TRACKED_CHANNELS] as const;
export type AnyCampaignChannel = (typeof ALL_CAMPAIGN_CHANNELS)[number];

export function isTrackedChannel(channel: string): channel is TrackedChannel {
  return (TRACKED_CHANNELS as readonly string[]).includes(channel);
}

export const CAMPAIGN_TYPES = [
  'promotional',
  'newsletter',
  'announcement',
  'product_launch',
  'event',
  'seasonal',
  'loyalty',
  'reengagement',
  'survey',
] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];

export const CAMPAIGN_CATEGORIES = ['acquisition', 'awareness', 'engagement', 'conversion', 'retention', 'upsell'] as const;
export type CampaignCategory = (typeof CAMPAIGN_CATEGORIES)[number];

export const CAMPAIGN_CODE_MAX = 50;
export const CAMPAIGN_NAME_MAX = 200;
export const CAMPAIGN_DESCRIPTION_MAX = 5000;
const CODE_PATTERN = /^[A-Za-z0-9-]+$/;

/** Codes are stored trimmed and in capitals, so `spring-1` and `SPRING-1` are the same code. */
export function normalizeCampaignCode(code: string): string {
  return code.trim().toUpperCase();
}

/** What is wrong with a (normalised) code, or null. Uniqueness is the caller's query. */
export function campaignCodeProblem(code: unknown): string | null {
  if (code === undefined || code === null || code === '') return 'is required';
  if (typeof code !== 'string') return 'must be a string';
  if (!CODE_PATTERN.test(code)) return 'may contain only letters, digits and hyphens';
  if (code.length > CAMPAIGN_CODE_MAX) return `must be at most ${CAMPAIGN_CODE_MAX} characters`;
  return null;
}

export function codeTakenIssue(code: string): FieldIssue {
  return { field: 'code', message: `${code} is already used by another campaign of this company` };
}

/** The automatic code (seed 001 §6.4): `generateCampaignCode('CMP', 42, 2025)` → "CMP-2025-0042". */
export function generateCampaignCode(prefix: string, sequenceNumber: number, year: number): string {
  if (!/^[A-Za-z0-9-]{1,20}$/.test(prefix)) throw new RangeError(`campaign code prefix ${JSON.stringify(prefix)} must be 1-20 letters, digits or hyphens`);
  if (!Number.isSafeInteger(sequenceNumber) || sequenceNumber < 1) throw new RangeError(`sequence number ${sequenceNumber} must be a positive integer`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`year ${year} must have four digits`);
  return normalizeCampaignCode(`${prefix}-${year}-${String(sequenceNumber).padStart(4, '0')}`);
}

/** A campaign as the API receives it (create, or an update merged over the stored row). */
export interface CampaignDraftInput {
  /** Present for an existing campaign: excluded from its own scheduling conflicts. */
  id?: string | null;
  name?: unknown;
  /** Generate one with `generateCampaignCode` before validating when the user gave none. */
  code?: unknown;
  description?: unknown;
  type?: unknown;
  category?: unknown;
  channel?: unknown;
  /** Date or ISO 8601 string with a zone. */
  startAt?: unknown;
  endAt?: unknown;
  /** Decimal string; absent means "0". */
  budget?: unknown;
  /** ISO 4217; absent means the company's currency. */
  currency?: unknown;
}

export interface CompanyCampaignPolicy extends ApprovalPolicy, SchedulePolicy {
  supportedCurrencies: readonly string[];
}

export interface DraftContext {
  now: Date;
  company: CompanyCampaignPolicy;
  /** True when another non-deleted campaign of the company already has this (normalised) code. */
  codeTaken?: boolean;
  /** Null or absent: the company has no fiscal-year budget to check against. */
  remainingBudget?: RemainingBudget | null;
  /** Other campaigns that may overlap; filtering by channel, state and time happens here. */
  calendar?: readonly CalendarEntry[];
}

/** The draft cleaned up for storage: code in capitals, budget canonical ("5000.00"), dates as Dates. */
export interface CampaignDraft {
  name: string;
  code: string;
  description: string | null;
  type: CampaignType;
  category: CampaignCategory | null;
  channel: AnyCampaignChannel;
  startAt: Date;
  endAt: Date;
  budget: string;
  currency: string;
}

export interface DraftAssessment {
  draft: CampaignDraft;
  approval: ApprovalRequirement;
  /** Problems that do not block saving: an overlap when the company does not block overlaps. */
  warnings: FieldIssue[];
  conflicts: CalendarEntry[];
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function oneOf<T extends string>(v: unknown, list: readonly T[]): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}

/** Validates everything seed 001 §6 asks of a campaign; throws one ValidationError listing every issue. */
export function validateCampaignDraft(input: CampaignDraftInput, ctx: DraftContext): DraftAssessment {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });

  const name = text(input.name);
  if (name === null) add('name', 'is required');
  else if (!isStorableText(name)) add('name', 'must not contain NUL characters or broken Unicode');
  else if (name.length > CAMPAIGN_NAME_MAX) add('name', `must be at most ${CAMPAIGN_NAME_MAX} characters`);

  const code = typeof input.code === 'string' ? normalizeCampaignCode(input.code) : input.code;
  const codeProblem = campaignCodeProblem(code);
  if (codeProblem) add('code', codeProblem);
  else if (ctx.codeTaken) issues.push(codeTakenIssue(code as string));

  const description = text(input.description);
  if (description !== null && !isStorableText(description)) add('description', 'must not contain NUL characters or broken Unicode');
  else if (description !== null && description.length > CAMPAIGN_DESCRIPTION_MAX) {
    add('description', `must be at most ${CAMPAIGN_DESCRIPTION_MAX} characters`);
  }

  if (input.type == null || input.type === '') add('type', 'is required');
  else if (!oneOf(input.type, CAMPAIGN_TYPES)) add('type', `must be one of ${CAMPAIGN_TYPES.join(', ')}`);

  const category = input.category == null || input.category === '' ? null : input.category;
  if (category !== null && !oneOf(category, CAMPAIGN_CATEGORIES)) add('category', `must be one of ${CAMPAIGN_CATEGORIES.join(', ')}`);

  if (input.channel == null || input.channel === '') add('channel', 'is required');
  else if (!oneOf(input.channel, ALL_CAMPAIGN_CHANNELS)) add('channel', `must be one of ${ALL_CAMPAIGN_CHANNELS.join(', ')}`);

  const instant = (field: 'startAt' | 'endAt'): Date | null => {
    const raw = input[field];
    if (raw == null || raw === '') {
      add(field, 'is required');
      return null;
    }
    const at = toInstant(raw);
    if (!at) add(field, `must be ${ISO_INSTANT_HINT}`);
    return at;
  };
  const startAt = instant('startAt');
  const endAt = instant('endAt');
  if (startAt && endAt) issues.push(...scheduleIssues(startAt, endAt, ctx.now, ctx.company));

  const currency = input.currency == null || input.currency === '' ? ctx.company.currency : input.currency;
  const currencyIssue = typeof currency === 'string' ? currencyProblem(currency, ctx.company.supportedCurrencies) : 'must be a string';
  if (currencyIssue) add('currency', currencyIssue);
  const budgetProblems = budgetIssues(input.budget, String(currency), currencyIssue ? null : ctx.remainingBudget);
  issues.push(...budgetProblems);

  const warnings: FieldIssue[] = [];
  let conflicts: CalendarEntry[] = [];
  if (startAt && endAt && oneOf(input.channel, ALL_CAMPAIGN_CHANNELS) && ctx.calendar) {
    conflicts = findSchedulingConflicts({ id: input.id ?? null, channel: input.channel, startAt, endAt }, ctx.calendar);
    if (conflicts.length > 0) (ctx.company.blockChannelOverlap ? issues : warnings).push(conflictIssue(input.channel, conflicts));
  }

  if (issues.length > 0) throw new ValidationError(issues);

  const budget = normalizeAmount(typeof input.budget === 'string' && input.budget !== '' ? input.budget : '0', currency as string, 'budget');
  const draft: CampaignDraft = {
    name: name!,
    code: code as string,
    description,
    type: input.type as CampaignType,
    category: category as CampaignCategory | null,
    channel: input.channel as AnyCampaignChannel,
    startAt: startAt!,
    endAt: endAt!,
    budget,
    currency: currency as string,
  };
  return { draft, approval: approvalRequirement({ amount: budget, currency: draft.currency }, ctx.company), warnings, conflicts };
}

export interface AudienceInput {
  /** The segment tree; null targets every contact (consent and suppressions still apply). */
  rules: unknown;
  /** Contacts the rules match now; only looked at when the rules are valid. */
  count: number;
}

/**
 * Before a campaign leaves draft (seed 001 §6.3): the draft rules plus valid segment criteria and a
 * non-empty audience. `stateOnSubmit(result.approval.required)` says where it goes next.
 */
export function validateCampaignSubmission(
  input: CampaignDraftInput,
  ctx: DraftContext & { fields?: FieldCatalogue },
  audience: AudienceInput,
): DraftAssessment {
  const issues: FieldIssue[] = [];
  let assessment: DraftAssessment | null = null;
  try {
    assessment = validateCampaignDraft(input, ctx);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    issues.push(...e.issues);
  }
  const ruleIssues = audience.rules === null ? [] : segmentIssues(audience.rules, { path: 'audience.rules', fields: ctx.fields });
  issues.push(...ruleIssues);
  if (ruleIssues.length === 0 && audience.count < 1) {
    issues.push({ field: 'audience', message: 'matches no contacts; a campaign needs at least one recipient' });
  }
  if (issues.length > 0 || !assessment) throw new ValidationError(issues);
  return assessment;
}

/** Seed 001 §5.3/§6.3: history is kept; a campaign that is or was sending is never erased. */
export function assertDeletable(campaign: { state: CampaignState; recipientCount: number }, mode: 'soft' | 'hard'): void {
  const { state, recipientCount } = campaign;
  if (!isTerminal(state) && state !== 'draft' && state !== 'rejected') {
    throw new ConflictError(`a ${state} campaign cannot be deleted; stop or cancel it first`, 'campaign_active', { state });
  }
  if (mode === 'hard' && recipientCount > 0) {
    throw new ConflictError(
      `this campaign has ${recipientCount} recipient${recipientCount === 1 ? '' : 's'} on record; it can only be archived (soft-deleted) to keep its history`,
      'campaign_has_history',
      { state, recipientCount },
    );
  }
}

export function canHardDelete(campaign: { state: CampaignState; recipientCount: number }): boolean {
  try {
    assertDeletable(campaign, 'hard');
    return true;
  } catch {
    return false;
  }
}
