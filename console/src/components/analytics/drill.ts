/**
 * The drill-down from a campaign to its recipients and conversions: the tab's own filter and page
 * live in the URL beside the analytics filters, so a drilled view can be shared and survives a reload.
 */
import { computed, shallowRef, ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { session } from '../../api/session.ts';

/** One query value read from the URL (only when it is one of `allowed`), and the page number. */
export function useDrillQuery<T extends string>(key: string, allowed: readonly T[]) {
  const route = useRoute();
  const router = useRouter();
  const value = computed<T | null>(() => (typeof route.query[key] === 'string' && (allowed as readonly string[]).includes(route.query[key]) ? (route.query[key] as T) : null));
  const page = computed(() => Math.max(1, Math.floor(Number(route.query.page)) || 1));
  const set = (q: Record<string, string | undefined>) => void router.replace({ query: { ...route.query, ...q } });
  return {
    value,
    page,
    setValue: (v: T | null) => set({ [key]: v ?? undefined, page: undefined }),
    setPage: (p: number) => set({ page: p > 1 ? String(p) : undefined }),
  };
}

/** Loads whenever `deps` change; keeps the last answer while the next one loads. */
export function useLoaded<T>(load: () => Promise<T>, deps: () => unknown) {
  const data = shallowRef<T | null>(null) as Ref<T | null>;
  const error = ref<string | null>(null);
  const loading = ref(false);
  let seq = 0;
  watch(
    deps,
    async () => {
      const mine = ++seq;
      loading.value = true;
      try {
        const got = await load();
        if (mine === seq) {
          data.value = got;
          error.value = null;
        }
      } catch (e) {
        if (mine === seq) error.value = (e as Error).message;
      } finally {
        if (mine === seq) loading.value = false;
      }
    },
    { immediate: true, deep: true },
  );
  return { data, error, loading };
}

/** An instant as the company reads it: date and time in its time zone. */
export function instantText(iso: string | null | undefined, locale: string, timeZone = session.profile?.company.timeZone): string {
  if (!iso) return '—';
  const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  try {
    return new Intl.DateTimeFormat(locale, { ...opts, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(locale, opts).format(new Date(iso));
  }
}

/** Midnight starting `day` (YYYY-MM-DD) in `timeZone`, as an ISO instant (the API's instant filters). */
export function startOfDayIn(day: string, timeZone: string | undefined): string {
  const utc = Date.parse(`${day}T00:00:00Z`);
  if (!timeZone) return new Date(utc).toISOString();
  const wall = (ms: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
        .formatToParts(new Date(ms))
        .map((x) => [x.type, x.value]),
    );
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  };
  // The zone's offset at that moment, applied twice so a change of offset that night lands right.
  let t = utc - (wall(utc) - utc);
  t = utc - (wall(t) - t);
  return new Date(t).toISOString();
}
