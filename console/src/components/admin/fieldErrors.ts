/**
 * The API names a refused field by its path (`timeZone`, `channelCosts.sms`, `quietHours.start`);
 * a form shows each message under that field, and anything it has no field for in one list that
 * still names the field in words.
 */
import { ApiError } from '../../api/client.ts';

export interface Issue {
  field: string;
  message: string;
}

export function byField(issues: Issue[], known: Record<string, string>): { fields: Record<string, string[]>; other: string[] } {
  const fields: Record<string, string[]> = {};
  const other: string[] = [];
  for (const i of issues) {
    // A nested path (frequencyCap.maxMessages) lands on its own field when the form has one, else on its parent.
    const key = i.field in known ? i.field : Object.keys(known).find((k) => i.field.startsWith(`${k}.`));
    if (key) (fields[key] ??= []).push(i.message);
    else other.push(`${i.field}: ${i.message}`);
  }
  return { fields, other };
}

/** A refused save, for a form: the API's issues by field (null when it named none), else its message in words. */
export function refusalOf(err: unknown, known: Record<string, string>): { fields: Record<string, string[]> | null; other: string[] } {
  const issues = err instanceof ApiError ? err.issues : [];
  if (issues.length === 0) return { fields: null, other: [(err as Error).message] };
  return byField(issues, known);
}
