import { describe, expect, it } from 'vitest';
import { describeRecurrence, parseRecurrence, recurrenceCron } from './campaign-recurrence.ts';
import { ValidationError } from './errors.ts';

function issuesOf(input: unknown): { field: string; message: string }[] {
  try {
    parseRecurrence(input, 'Europe/Berlin');
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('campaign recurrence', () => {
  it('a weekly cadence keeps its days in week order, once each, in the company zone by default', () => {
    const r = parseRecurrence({ frequency: 'weekly', at: '09:30', weekdays: ['thu', 'mon', 'thu'] }, 'Europe/Berlin');
    expect(r).toEqual({ frequency: 'weekly', at: '09:30', weekdays: ['mon', 'thu'], timeZone: 'Europe/Berlin' });
    expect(recurrenceCron(r)).toBe('30 9 * * MON,THU');
    expect(describeRecurrence(r)).toBe('Every week on Monday and Thursday at 09:30 (Europe/Berlin)');
  });

  it('daily and monthly cadences, in a zone the caller names', () => {
    const daily = parseRecurrence({ frequency: 'daily', at: '00:05', timeZone: 'America/New_York' }, 'Europe/Berlin');
    expect(recurrenceCron(daily)).toBe('5 0 * * *');
    expect(describeRecurrence(daily)).toBe('Every day at 00:05 (America/New_York)');
    const monthly = parseRecurrence({ frequency: 'monthly', at: '18:00', dayOfMonth: 22 }, 'UTC');
    expect(recurrenceCron(monthly)).toBe('0 18 22 * *');
    expect(describeRecurrence(monthly)).toBe('Every month on the 22nd at 18:00 (UTC)');
  });

  it('names the field of each mistake', () => {
    expect(issuesOf({ frequency: 'hourly', at: '9am' })).toEqual([
      { field: 'recurrence.frequency', message: 'must be one of daily, weekly, monthly' },
      { field: 'recurrence.at', message: 'must be a time of day as HH:MM (24-hour), e.g. 09:00' },
    ]);
    expect(issuesOf({ frequency: 'weekly', at: '24:00' })).toEqual([
      { field: 'recurrence.at', message: 'must be a time of day as HH:MM (24-hour), e.g. 09:00' },
      { field: 'recurrence.weekdays', message: 'pick at least one day of the week for a weekly campaign' },
    ]);
    expect(issuesOf({ frequency: 'weekly', at: '09:00', weekdays: ['monday'] })).toEqual([
      { field: 'recurrence.weekdays', message: 'must be a list of mon, tue, wed, thu, fri, sat, sun' },
    ]);
    expect(issuesOf({ frequency: 'daily', at: '09:00', weekdays: ['mon'], dayOfMonth: 3 })).toEqual([
      { field: 'recurrence.weekdays', message: 'only a weekly campaign runs on chosen days of the week' },
      { field: 'recurrence.dayOfMonth', message: 'only a monthly campaign runs on a day of the month' },
    ]);
    expect(issuesOf({ frequency: 'monthly', at: '09:00' })).toEqual([
      { field: 'recurrence.dayOfMonth', message: 'pick the day of the month (1 to 28) for a monthly campaign' },
    ]);
    expect(issuesOf({ frequency: 'monthly', at: '09:00', dayOfMonth: 31 })).toEqual([
      { field: 'recurrence.dayOfMonth', message: 'must be a whole number from 1 to 28 (a day every month has)' },
    ]);
    expect(issuesOf({ frequency: 'daily', at: '09:00', timeZone: 'Mars/Olympus' })).toEqual([
      { field: 'recurrence.timeZone', message: 'must be an IANA time zone such as Europe/Berlin' },
    ]);
    expect(issuesOf({ frequency: 'daily', at: '09:00', every: 2 })).toEqual([
      { field: 'recurrence.every', message: 'is not a recurrence field (frequency, at, weekdays, dayOfMonth, timeZone)' },
    ]);
    expect(issuesOf('weekly')).toEqual([
      { field: 'recurrence', message: 'must be an object such as {"frequency": "weekly", "at": "09:00", "weekdays": ["mon"]}, or null for a one-off campaign' },
    ]);
  });
});
