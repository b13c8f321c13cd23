/**
 * Report subscriptions (seed 000's scheduled reports): the signed-in user's weekly or monthly
 * e-mails, through the typed client on /api/reports/subscriptions, and how their schedule reads.
 */
import { ref, shallowRef } from 'vue';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, unwrap } from '../../api/client.ts';
import { channelLabel } from './labels.ts';

type Subs = typeof api.reports.subscriptions;
export type ReportSubscription = InferResponseType<Subs['$get'], 200>['items'][number];
export type NewReportSubscription = InferRequestType<Subs['$post']>['json'];
export type ReportFrequency = ReportSubscription['frequency'];
export type ReportFilters = NonNullable<NewReportSubscription['filters']>;

/** What a report is of: the dashboard (with its filters) or one campaign; the subscribe dialog and form both take it. */
export interface ReportScope {
  kind: 'overview' | 'campaign';
  campaignId?: string;
  campaignName?: string;
  /** The page's filters; an overview keeps channel, region and team (not a campaign pick). */
  filters?: { channel: string[]; region: string[]; team: string[]; campaign?: string[] };
  teamNames?: Record<string, string>;
}

export const FREQUENCY_TEXT: Record<ReportFrequency, { label: string; when: string }> = {
  weekly: { label: 'Weekly', when: 'every Monday at 08:00, covering the seven days before' },
  monthly: { label: 'Monthly', when: 'on the 1st of each month at 08:00, covering the month before' },
};

/** When the next e-mail goes out, in the company's time zone (where the schedule runs), named. */
export function deliveryText(iso: string | null, timeZone: string | undefined, locale: string): string {
  if (!iso) return 'not scheduled';
  const opts: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(locale, { ...opts, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(locale, opts).format(new Date(iso));
  }
}

/** The filters a subscription keeps, in words ("Channel: SMS · Region: East"); teams by name where known. */
export function filtersText(f: Partial<Record<string, string[]>>, teamNames: Record<string, string> = {}): string {
  const parts: string[] = [];
  if (f.channel?.length) parts.push(`Channel: ${f.channel.map(channelLabel).join(', ')}`);
  if (f.region?.length) parts.push(`Region: ${f.region.join(', ')}`);
  if (f.team?.length) parts.push(`Team: ${f.team.map((t) => teamNames[t] ?? 'a team no longer listed').join(', ')}`);
  return parts.join(' · ');
}

/** The list, and subscribe/cancel that keep it current. Errors are for the screen, in words. */
export function useReportSubscriptions() {
  const items = shallowRef<ReportSubscription[] | null>(null);
  const error = ref<string | null>(null);
  const busy = ref(false);

  async function load() {
    error.value = null;
    try {
      items.value = (await unwrap(api.reports.subscriptions.$get())).items;
    } catch (e) {
      error.value = (e as Error).message;
    }
  }
  /** Throws the API's refusal (an ApiError naming its fields) for the form to show. */
  async function subscribe(input: NewReportSubscription): Promise<ReportSubscription> {
    busy.value = true;
    try {
      const created = await unwrap(api.reports.subscriptions.$post({ json: input }));
      items.value = [created, ...(items.value ?? []).filter((s) => s.id !== created.id)];
      return created;
    } finally {
      busy.value = false;
    }
  }
  async function cancel(id: string): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      // 204 has no body for unwrap to read: only a refusal does.
      await unwrap(api.reports.subscriptions[':id'].$delete({ param: { id } }).then((r) => (r.ok ? { ok: true, status: r.status, json: async () => null } : r)));
      items.value = (items.value ?? []).filter((s) => s.id !== id);
      return true;
    } catch (e) {
      error.value = (e as Error).message;
      return false;
    } finally {
      busy.value = false;
    }
  }
  /** Delivers the last complete period's report now (the API sends each period once). */
  async function sendNow(id: string): Promise<boolean> {
    error.value = null;
    try {
      await unwrap(api.reports.subscriptions[':id']['send-now'].$post({ param: { id } }));
      return true;
    } catch (e) {
      error.value = (e as Error).message;
      return false;
    }
  }
  return { items, error, busy, load, subscribe, cancel, sendNow };
}
