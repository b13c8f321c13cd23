/**
 * The one query every analytics route takes: a date range and filters by channel, campaign, region,
 * team and user. Lists are comma-separated (`channel=email,sms`). A bad value is a 422 naming its
 * field (`query.from`, `query.campaign`), never a 500 from the database.
 */
import { CAMPAIGN_CHANNELS } from '../../domain/campaign-rules.ts';
import { ValidationError } from '../../domain/errors.ts';
import { z } from '../openapi-zod.ts';

/** Tracked-only channels (issue 8 "Attribution") are reported beside the ones Herald sends through. */
export const REPORTED_CHANNELS = [...CAMPAIGN_CHANNELS, 'paid_ads', 'social', 'organic', 'direct_mail'] as const;

/** The longest range one request may cover: about ten years of days. */
export const MAX_RANGE_DAYS = 3_700;
export const DEFAULT_RANGE_DAYS = 30;

const DateOnly = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, 'is not a calendar date')
  // The previous period of a range reaches back as far again: keep both within ordinary years.
  .refine((v) => v >= '1970-01-01' && v <= '9000-12-31', 'must be between 1970-01-01 and 9000-12-31')
  .openapi({ example: '2026-01-01' });

function list<T extends z.ZodType<string>>(item: T, max: number, example: string) {
  return z
    .string()
    .max(max * 64)
    .transform((v, ctx) => {
      const parts = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (parts.length > max) {
        ctx.addIssue({ code: 'custom', message: `at most ${max} values` });
        return z.NEVER;
      }
      const out: string[] = [];
      for (const p of parts) {
        const r = item.safeParse(p);
        if (!r.success) {
          ctx.addIssue({ code: 'custom', message: `"${p.slice(0, 64)}" ${r.error.issues[0]?.message ?? 'is not valid'}` });
          return z.NEVER;
        }
        out.push(r.data);
      }
      return [...new Set(out)];
    })
    .optional()
    .openapi({ type: 'string', example, description: 'Comma-separated' });
}

const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'is not a UUID');
const Channel = z.enum(REPORTED_CHANNELS, { error: `is not a channel (${REPORTED_CHANNELS.join(', ')})` });
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const Region = z.string().min(1).max(64).regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters');

export const analyticsFilterFields = {
  from: DateOnly.optional().openapi({ description: `First day, inclusive (default: ${DEFAULT_RANGE_DAYS} days before "to")` }),
  to: DateOnly.optional().openapi({ description: "Last day, inclusive (default: today in the company's time zone)" }),
  channel: list(Channel, 20, 'email,paid_ads'),
  campaign: list(Uuid, 200, '6f1c2a9e-0000-4000-8000-000000000000'),
  region: list(Region, 50, 'East,West'),
  team: list(Uuid, 50, '6f1c2a9e-0000-4000-8000-000000000001'),
  user: list(Uuid, 50, '6f1c2a9e-0000-4000-8000-000000000002'),
};

export const AnalyticsQuery = z.object(analyticsFilterFields);
export type AnalyticsQueryInput = z.infer<typeof AnalyticsQuery>;

export interface Range {
  from: string;
  to: string;
  days: number;
}

const DAY = 86_400_000;
const dayOf = (v: string) => Date.parse(`${v}T00:00:00Z`);
export const addDays = (v: string, n: number) => new Date(dayOf(v) + n * DAY).toISOString().slice(0, 10);

/** Today's date in `timeZone`, YYYY-MM-DD. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** The requested range with its defaults, or a 422 naming the field. */
export function rangeOf(q: Pick<AnalyticsQueryInput, 'from' | 'to'>, today: string): Range {
  const to = q.to ?? (q.from && q.from > today ? q.from : today);
  const from = q.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw ValidationError.field('query.to', `must not be before "from" (${from})`);
  const days = Math.round((dayOf(to) - dayOf(from)) / DAY) + 1;
  if (days > MAX_RANGE_DAYS) throw ValidationError.field('query.from', `the range may cover at most ${MAX_RANGE_DAYS} days`);
  return { from, to, days };
}

/** The period of the same length just before `r`: what deltas compare against. */
export function previousOf(r: Range): Range {
  return { from: addDays(r.from, -r.days), to: addDays(r.from, -1), days: r.days };
}
