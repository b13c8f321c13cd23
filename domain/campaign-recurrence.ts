/**
 * A recurring campaign's cadence (issue 4): daily, weekly on chosen days, or monthly on a day, at a
 * wall-clock time in a time zone. The series runs from the campaign's startAt to its endAt; a
 * Temporal Schedule starts one occurrence per run. Pure: validation with field-named issues, the
 * cron line the schedule runs on, and the words the console shows.
 */
import { ValidationError, type FieldIssue } from './errors.ts';

export const RECURRENCE_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type RecurrenceFrequency = (typeof RECURRENCE_FREQUENCIES)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const WEEKDAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

/** The last day every month has: a monthly run on the 31st would skip most months without a word. */
export const MAX_DAY_OF_MONTH = 28;

export interface Recurrence {
  frequency: RecurrenceFrequency;
  /** Wall-clock time `HH:MM` (24 h) in `timeZone`. */
  at: string;
  /** Weekly only: the days it runs on, Monday first. */
  weekdays?: Weekday[];
  /** Monthly only: 1–28. */
  dayOfMonth?: number;
  /** IANA name; the company's zone when the caller gives none. */
  timeZone: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks what a caller sent as `recurrence` and returns it normalised (weekdays de-duplicated and
 * in week order, the company's zone filled in), or throws a 422 naming each wrong field.
 */
export function parseRecurrence(input: unknown, defaultTimeZone: string, path = 'recurrence'): Recurrence {
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ field: field ? `${path}.${field}` : path, message });
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError([{ field: path, message: 'must be an object such as {"frequency": "weekly", "at": "09:00", "weekdays": ["mon"]}, or null for a one-off campaign' }]);
  }
  const r = input as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!['frequency', 'at', 'weekdays', 'dayOfMonth', 'timeZone'].includes(key)) issue(key, 'is not a recurrence field (frequency, at, weekdays, dayOfMonth, timeZone)');
  }
  const frequency = r.frequency;
  if (!(RECURRENCE_FREQUENCIES as readonly unknown[]).includes(frequency)) issue('frequency', `must be one of ${RECURRENCE_FREQUENCIES.join(', ')}`);
  if (typeof r.at !== 'string' || !TIME.test(r.at)) issue('at', 'must be a time of day as HH:MM (24-hour), e.g. 09:00');
  let weekdays: Weekday[] | undefined;
  if (r.weekdays !== undefined && r.weekdays !== null) {
    if (frequency !== 'weekly') issue('weekdays', 'only a weekly campaign runs on chosen days of the week');
    else if (!Array.isArray(r.weekdays) || r.weekdays.some((d) => !(WEEKDAYS as readonly unknown[]).includes(d))) issue('weekdays', `must be a list of ${WEEKDAYS.join(', ')}`);
    else weekdays = WEEKDAYS.filter((d) => (r.weekdays as unknown[]).includes(d));
  }
  if (frequency === 'weekly' && !weekdays?.length && !issues.some((i) => i.field === `${path}.weekdays`)) issue('weekdays', 'pick at least one day of the week for a weekly campaign');
  let dayOfMonth: number | undefined;
  if (r.dayOfMonth !== undefined && r.dayOfMonth !== null) {
    if (frequency !== 'monthly') issue('dayOfMonth', 'only a monthly campaign runs on a day of the month');
    else if (typeof r.dayOfMonth !== 'number' || !Number.isInteger(r.dayOfMonth) || r.dayOfMonth < 1 || r.dayOfMonth > MAX_DAY_OF_MONTH) {
      issue('dayOfMonth', `must be a whole number from 1 to ${MAX_DAY_OF_MONTH} (a day every month has)`);
    } else dayOfMonth = r.dayOfMonth;
  } else if (frequency === 'monthly') issue('dayOfMonth', `pick the day of the month (1 to ${MAX_DAY_OF_MONTH}) for a monthly campaign`);
  let timeZone = defaultTimeZone;
  if (r.timeZone !== undefined && r.timeZone !== null) {
    if (typeof r.timeZone !== 'string' || !isTimeZone(r.timeZone)) issue('timeZone', 'must be an IANA time zone such as Europe/Berlin');
    else timeZone = r.timeZone;
  }
  if (issues.length) throw new ValidationError(issues);
  return {
    frequency: frequency as RecurrenceFrequency,
    at: r.at as string,
    ...(weekdays ? { weekdays } : {}),
    ...(dayOfMonth !== undefined ? { dayOfMonth } : {}),
    timeZone,
  };
}

/** The cron line (minute hour day-of-month month day-of-week) the Temporal Schedule runs on, in `timeZone`. */
export function recurrenceCron(r: Recurrence): string {
  const [hour, minute] = r.at.split(':').map(Number) as [number, number];
  const dow = r.frequency === 'weekly' ? (r.weekdays ?? []).map((d) => d.toUpperCase()).join(',') : '*';
  const dom = r.frequency === 'monthly' ? String(r.dayOfMonth) : '*';
  return `${minute} ${hour} ${dom} * ${dow}`;
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "Every week on Monday and Thursday at 09:00 (Europe/Berlin)". */
export function describeRecurrence(r: Recurrence): string {
  const when =
    r.frequency === 'daily'
      ? 'Every day'
      : r.frequency === 'weekly'
        ? `Every week on ${list((r.weekdays ?? []).map((d) => WEEKDAY_NAMES[d]))}`
        : `Every month on the ${ordinal(r.dayOfMonth ?? 1)}`;
  return `${when} at ${r.at} (${r.timeZone})`;
}
