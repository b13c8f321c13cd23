/**
 * State of a server-side table kept in the URL (page, page size, sort, search and any filters), so a
 * view can be shared and survives a reload; `load` is called with the query the API takes.
 */
import { ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

export interface TableOptions {
  page: number;
  itemsPerPage: number;
  sortBy: { key: string; order: 'asc' | 'desc' }[];
}

export function useServerTable<T>(opts: { defaultSort: string; defaultOrder?: 'asc' | 'desc'; filters?: string[]; load: (query: Record<string, string>) => Promise<T> }) {
  const route = useRoute();
  const router = useRouter();
  const q = (k: string) => (typeof route.query[k] === 'string' ? (route.query[k] as string) : '');

  const search = ref(q('q'));
  const filters = Object.fromEntries((opts.filters ?? []).map((f) => [f, ref(q(f))])) as Record<string, Ref<string>>;
  const page = ref(Number(q('page')) || 1);
  const pageSize = ref(Number(q('pageSize')) || 25);
  const sortBy = ref<TableOptions['sortBy']>([{ key: q('sort') || opts.defaultSort, order: (q('order') || opts.defaultOrder || 'asc') as 'asc' | 'desc' }]);
  const data = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function load() {
    loading.value = true;
    error.value = null;
    const sort = sortBy.value[0] ?? { key: opts.defaultSort, order: opts.defaultOrder ?? 'asc' };
    const query: Record<string, string> = { page: String(page.value), pageSize: String(pageSize.value), sort: sort.key, order: sort.order };
    if (search.value) query.q = search.value;
    for (const [k, v] of Object.entries(filters)) if (v.value) query[k] = v.value;
    void router.replace({ query });
    try {
      data.value = await opts.load(query);
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loading.value = false;
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(search, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      page.value = 1;
      void load();
    }, 300);
  });
  watch(Object.values(filters), () => {
    page.value = 1;
    void load();
  });

  function onOptions(o: TableOptions) {
    page.value = o.page;
    pageSize.value = o.itemsPerPage;
    sortBy.value = o.sortBy.length ? o.sortBy : [{ key: opts.defaultSort, order: opts.defaultOrder ?? 'asc' }];
    void load();
  }

  return { search, filters, page, pageSize, sortBy, data, loading, error, load, onOptions };
}
