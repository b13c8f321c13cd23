import { describe, expect, it } from 'vitest';
import { reportCalendar, reportPeriod } from './report-schedule.ts';

describe('scheduled report periods', () => {
  it('a weekly report covers the seven days before its delivery day', () => {
    expect(reportPeriod('weekly', '2026-11-23')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(reportPeriod('weekly', '2026-01-05')).toEqual({ from: '2025-12-29', to: '2026-01-04' });
  });

  it('a monthly report covers the calendar month before, whatever its length', () => {
    expect(reportPeriod('monthly', '2026-03-01')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(reportPeriod('monthly', '2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(reportPeriod('monthly', '2026-01-01')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    // Run late (catch-up on the 3rd): still the previous month.
    expect(reportPeriod('monthly', '2026-07-03')).toEqual({ from: '2026-06-01', to: '2026-06-30' });
  });

  it('runs weekly on Monday and monthly on the 1st, at 08:00', () => {
    expect(reportCalendar('weekly')).toEqual({ dayOfWeek: 'MONDAY', hour: 8, minute: 0 });
    expect(reportCalendar('monthly')).toEqual({ dayOfMonth: 1, hour: 8, minute: 0 });
  });

  it('refuses a day that is not a date', () => {
    expect(() => reportPeriod('weekly', 'soon')).toThrow('not a date: soon');
  });
});
