/**
 * The analytics filters (date range with presets, channel, campaign, region, team) as they live in
 * the URL, so a view can be shared and every drill-down link carries them. The query keys are the
 * API's own (api/analytics/query.ts): lists comma-separated, dates YYYY-MM-DD.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router';

export const PRESETS = ['7d', '30d', '90d', 'this-month', 'last-month', 'this-quarter', 'this-year', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const PRESET_LABELS: Record<Preset, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  'this-month': 'This month',
  'last-month': 'Last month',
  'this-quarter': 'This quarter',
  'this-year': 'This year',
  custom: 'Custom range',
};

export interface Filters {
  preset: Preset;
  from: string;
  to: string;
  channel: string[];
  campaign: string[];
  region: string[];
  team: string[];
}

const LISTS = ['channel', 'campaign', 'region', 'team'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** Today in the company's time zone (YYYY-MM-DD), which is what the API's default range uses. */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** The first and last day a preset covers, ending today. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): { from: string; to: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const monthStart = (yy: number, mm: number) => new Date(Date.UTC(yy, mm - 1, 1)).toISOString().slice(0, 10);
  switch (preset) {
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case '90d':
      return { from: addDays(today, -89), to: today };
    case 'this-month':
      return { from: monthStart(y, m), to: today };
    case 'last-month':
      return { from: monthStart(y, m - 1), to: addDays(monthStart(y, m), -1) };
    case 'this-quarter':
      return { from: monthStart(y, Math.floor((m - 1) / 3) * 3 + 1), to: today };
    case 'this-year':
      return { from: `${y}-01-01`, to: today };
  }
}

const first = (v: LocationQuery[string] | undefined) => (Array.isArray(v) ? v[0] : v) ?? undefined;
const listOf = (v: LocationQuery[string] | undefined) =>
  (first(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Filters from a route's query; anything missing or malformed falls back to the last 30 days. */
export function filtersFromQuery(q: LocationQuery, today: string): Filters {
  const rawPreset = first(q.preset);
  const from = first(q.from);
  const to = first(q.to);
  const custom = from && to && DATE.test(from) && DATE.test(to) && from <= to;
  let preset: Preset = (PRESETS as readonly string[]).includes(rawPreset ?? '') ? (rawPreset as Preset) : custom ? 'custom' : '30d';
  if (preset === 'custom' && !custom) preset = '30d';
  const range = preset === 'custom' ? { from: from!, to: to! } : presetRange(preset, today);
  const f: Filters = { preset, ...range, channel: [], campaign: [], region: [], team: [] };
  for (const k of LISTS) f[k] = listOf(q[k]);
  return f;
}

/** The URL query for `f`: a preset is kept by name (so "last 7 days" stays relative), a custom range by its dates. */
export function queryOf(f: Filters): LocationQueryRaw {
  const q: LocationQueryRaw = f.preset === 'custom' ? { from: f.from, to: f.to } : f.preset === '30d' ? {} : { preset: f.preset };
  for (const k of LISTS) if (f[k].length > 0) q[k] = f[k].join(',');
  return q;
}

/** What the analytics API takes: dates always explicit, so every widget reads the same period. */
export function apiQueryOf(f: Filters): { from: string; to: string; channel?: string; campaign?: string; region?: string; team?: string } {
  const q: ReturnType<typeof apiQueryOf> = { from: f.from, to: f.to };
  for (const k of LISTS) if (f[k].length > 0) q[k] = f[k].join(',');
  return q;
}
