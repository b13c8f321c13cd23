/** The signed-in user's dashboard layout, saved on the server so it follows them to any device. */
import { ref } from 'vue';
import { api, unwrap } from '../../api/client.ts';
import { DEFAULT_LAYOUT, sanitise, type Layout } from './layout.ts';

export function useDashboardLayout() {
  const layout = ref<Layout>(DEFAULT_LAYOUT);
  const saving = ref(false);
  const error = ref<string | null>(null);
  const loaded = ref(false);

  async function load() {
    try {
      const body = await unwrap(api.me['dashboard-layout'].$get());
      layout.value = (body.widgets && sanitise(body.widgets)) || DEFAULT_LAYOUT;
    } catch (e) {
      error.value = `Your saved layout could not be loaded: ${(e as Error).message}`;
    } finally {
      loaded.value = true;
    }
  }

  async function save(next: Layout) {
    layout.value = next;
    saving.value = true;
    try {
      await unwrap(api.me['dashboard-layout'].$put({ json: { widgets: next } }));
      error.value = null;
    } catch (e) {
      error.value = `The layout was not saved: ${(e as Error).message}`;
    } finally {
      saving.value = false;
    }
  }

  async function reset() {
    await save(DEFAULT_LAYOUT);
  }

  void load();
  return { layout, saving, error, loaded, save, reset };
}
