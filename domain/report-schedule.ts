/**
 * Scheduled reports (seed 000): when each frequency is delivered and which period it covers.
 * Deliveries run at 08:00 in the company's time zone — Mondays for the weekly report (the seven
 * days before), the 1st for the monthly one (the calendar month before).
 */
export const REPORT_FREQUENCIES = ['weekly', 'monthly'] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];

/** `overview`: the dashboard KPIs and the campaign table as CSV; `campaign`: one campaign's PDF report and its daily figures. */
export const REPORT_KINDS = ['overview', 'campaign'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_HOUR = 8;

/** The calendar a Temporal Schedule runs the report on (in the company's time zone). */
export function reportCalendar(frequency: ReportFrequency): { dayOfWeek?: 'MONDAY'; dayOfMonth?: number; hour: number; minute: number } {
  return frequency === 'weekly' ? { dayOfWeek: 'MONDAY', hour: REPORT_HOUR, minute: 0 } : { dayOfMonth: 1, hour: REPORT_HOUR, minute: 0 };
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The period a report delivered on `today` (YYYY-MM-DD, company time zone) covers, both ends inclusive. */
export function reportPeriod(frequency: ReportFrequency, today: string): { from: string; to: string } {
  const t = Date.parse(`${today}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${today}`);
  if (frequency === 'weekly') return { from: iso(t - 7 * DAY), to: iso(t - DAY) };
  const d = new Date(t);
  const firstOfThis = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const firstOfPrevious = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
  return { from: iso(firstOfPrevious), to: iso(firstOfThis - DAY) };
}
