/**
 * Calls `load` now and every `intervalMs` while the component is mounted, keeping the last good
 * value when a later call fails (so a blip shows a warning, not an empty page). One call at a time;
 * when the tab comes back to the foreground it refreshes at once.
 */
import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue';

export function usePolling<T>(load: () => Promise<T>, intervalMs: number) {
  const data = shallowRef<T>();
  const error = shallowRef<Error>();
  const loading = ref(false);
  const updatedAt = ref<number>();
  let timer: number | undefined;

  async function refresh() {
    if (loading.value) return;
    loading.value = true;
    try {
      data.value = await load();
      updatedAt.value = Date.now();
      error.value = undefined;
    } catch (err) {
      error.value = err instanceof Error ? err : new Error(String(err));
    } finally {
      loading.value = false;
    }
  }

  function onVisible() {
    if (document.visibilityState === 'visible') void refresh();
  }

  onMounted(() => {
    void refresh();
    timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') void refresh();
    }, intervalMs);
    document.addEventListener('visibilitychange', onVisible);
  });
  onBeforeUnmount(() => {
    window.clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  });

  return { data, error, loading, updatedAt, refresh };
}
