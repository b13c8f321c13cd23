/**
 * Reloads a view's figures when the live stream says they changed (`campaign.performance_update`,
 * `campaign.status_changed`), at most once a second however many events arrive, plus a slow poll
 * in case the stream is down. `updatedAt` feeds the "updated n s ago" label.
 */
import { onBeforeUnmount, onMounted, ref, watch, type WatchSource } from 'vue';
import { useLiveEvents } from '../../composables/useLiveEvents.ts';

export const LIVE_EVENT_TYPES = ['campaign.performance_update', 'campaign.status_changed'];

export function useLiveRefresh(load: () => Promise<void>, source: WatchSource, opts: { pollMs?: number; campaignId?: () => string | undefined } = {}) {
  const loading = ref(false);
  const updatedAt = ref<number>();
  const error = ref<string | null>(null);
  let again = false;
  let timer: number | undefined;
  let debounce: number | undefined;

  async function refresh() {
    if (loading.value) {
      again = true;
      return;
    }
    loading.value = true;
    try {
      await load();
      updatedAt.value = Date.now();
      error.value = null;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loading.value = false;
    }
    if (again) {
      again = false;
      await refresh();
    }
  }

  watch(source, () => void refresh(), { deep: true });
  const { connected } = useLiveEvents((e) => {
    if (!LIVE_EVENT_TYPES.includes(e.type)) return;
    const only = opts.campaignId?.();
    if (only && e.data.campaignId !== only) return;
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => void refresh(), 1000);
  });
  onMounted(() => {
    void refresh();
    timer = window.setInterval(() => document.visibilityState !== 'hidden' && void refresh(), opts.pollMs ?? 60_000);
  });
  onBeforeUnmount(() => {
    window.clearInterval(timer);
    window.clearTimeout(debounce);
  });
  return { loading, updatedAt, error, refresh, connected };
}
