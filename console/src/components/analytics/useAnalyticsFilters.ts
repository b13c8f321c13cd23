/** The page's filters, read from and written to the URL (filters.ts), in the company's time zone. */
import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { session } from '../../api/session.ts';
import { apiQueryOf, filtersFromQuery, queryOf, todayIn, type Filters } from './filters.ts';

export function useAnalyticsFilters() {
  const route = useRoute();
  const router = useRouter();
  const today = computed(() => todayIn(session.profile?.company.timeZone));
  const filters = computed(() => filtersFromQuery(route.query, today.value));
  const apiQuery = computed(() => apiQueryOf(filters.value));
  /** The filters as a query to put on a drill-down link. */
  const linkQuery = computed(() => queryOf(filters.value));
  function update(next: Filters) {
    void router.replace({ query: { ...route.query, preset: undefined, from: undefined, to: undefined, ...Object.fromEntries(['channel', 'campaign', 'region', 'team'].map((k) => [k, undefined])), ...queryOf(next) } });
  }
  return { filters, apiQuery, linkQuery, update };
}
