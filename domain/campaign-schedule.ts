/**
 * Seed 001 §6 scheduling rules: start before end, inside the company's scheduling window, and no
 * overlap with another planned or active campaign on the same channel (when the company says so).
 */
import type { FieldIssue } from './errors.ts';
import { CALENDAR_STATES, type CampaignState } from './campaign-states.ts';
import { DAY_MS } from './dates.ts';

export const DEFAULT_SCHEDULING_WINDOW_DAYS = 365;
/**
 * "Send now" is validated a moment after the user clicked, and a slow form is submitted minutes
 * after the start was picked: a start this recent still counts as now.
 */
export const START_GRACE_MS = 5 * 60_000;

export interface SchedulePolicy {
  /** How far ahead a campaign may start. Default 365 days. */
  schedulingWindowDays?: number | null;
  /** Longest allowed run from start to end; null or absent: no limit. */
  maxCampaignDays?: number | null;
  /** Overlap with another planned/active campaign on the same channel: an error when true, a warning otherwise. */
  blockChannelOverlap?: boolean;
}

/** Another campaign as the calendar sees it. */
export interface CalendarEntry {
  id: string;
  code: string;
  channel: string;
  state: CampaignState;
  startAt: Date;
  endAt: Date;
}

export function scheduleIssues(startAt: Date, endAt: Date, now: Date, policy: SchedulePolicy = {}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const windowDays = policy.schedulingWindowDays ?? DEFAULT_SCHEDULING_WINDOW_DAYS;
  if (startAt.getTime() < now.getTime() - START_GRACE_MS) {
    issues.push({ field: 'startAt', message: 'must not be in the past' });
  } else if (startAt.getTime() > now.getTime() + windowDays * DAY_MS) {
    issues.push({ field: 'startAt', message: `must be within ${windowDays} days from now (the company's scheduling window)` });
  }
  if (endAt.getTime() <= startAt.getTime()) {
    issues.push({ field: 'endAt', message: 'must be after startAt' });
  } else if (policy.maxCampaignDays != null && endAt.getTime() - startAt.getTime() > policy.maxCampaignDays * DAY_MS) {
    issues.push({ field: 'endAt', message: `must be at most ${policy.maxCampaignDays} days after startAt` });
  }
  return issues;
}

/**
 * Campaigns on the same channel, holding a calendar slot, whose time range overlaps the
 * candidate's, earliest first. Ranges are half-open [start, end): a campaign may start the moment
 * another ends (seed 001's inclusive check would call that a conflict).
 */
export function findSchedulingConflicts(
  candidate: { id?: string | null; channel: string; startAt: Date; endAt: Date },
  others: readonly CalendarEntry[],
): CalendarEntry[] {
  return others
    .filter(
      (o) =>
        o.id !== candidate.id &&
        o.channel === candidate.channel &&
        CALENDAR_STATES.includes(o.state) &&
        o.startAt.getTime() < candidate.endAt.getTime() &&
        candidate.startAt.getTime() < o.endAt.getTime(),
    )
    .sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export function conflictIssue(channel: string, conflicts: readonly CalendarEntry[]): FieldIssue {
  const codes = conflicts.map((c) => c.code).join(', ');
  const noun = conflicts.length === 1 ? 'campaign' : 'campaigns';
  return { field: 'startAt', message: `overlaps ${conflicts.length} planned or active ${channel} ${noun}: ${codes}` };
}

/**
 * The fiscal year `date` falls in, named by the calendar year in which it ends (a year starting in
 * April 2025 is fiscal 2026). `startMonth` is 1-12; 1 makes fiscal years calendar years. UTC.
 */
export function fiscalYearOf(date: Date, startMonth = 1): number {
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) throw new RangeError(`fiscal year start month ${startMonth} is not 1-12`);
  const year = date.getUTCFullYear();
  return startMonth === 1 || date.getUTCMonth() + 1 < startMonth ? year : year + 1;
}
