/** What the campaign, region and team filters offer: the company's campaigns, regions and teams with figures in the period. */
import { reactive, watch, type Ref } from 'vue';
import { api, unwrap } from '../../api/client.ts';

export function useFilterOptions(apiQuery: Ref<{ from: string; to: string }>) {
  const options = reactive({ campaigns: [] as { value: string; title: string }[], regions: [] as string[], teams: [] as { value: string; title: string }[] });
  watch(
    () => `${apiQuery.value.from}/${apiQuery.value.to}`,
    async () => {
      // Only the period narrows the choices: picking a channel must not hide the other campaigns.
      const query = { from: apiQuery.value.from, to: apiQuery.value.to };
      const [campaigns, regions, teams] = await Promise.allSettled([
        unwrap(api.analytics.campaigns.$get({ query: { ...query, pageSize: '200', sort: 'name' } })),
        unwrap(api.analytics.breakdowns[':dimension'].$get({ param: { dimension: 'region' }, query })),
        unwrap(api.analytics.breakdowns[':dimension'].$get({ param: { dimension: 'team' }, query })),
      ]);
      if (campaigns.status === 'fulfilled') options.campaigns = campaigns.value.items.map((c) => ({ value: c.campaignId, title: c.name }));
      if (regions.status === 'fulfilled') options.regions = regions.value.items.flatMap((r) => (r.key ? [r.key] : []));
      if (teams.status === 'fulfilled') options.teams = teams.value.items.flatMap((t) => (t.key ? [{ value: t.key, title: t.label ?? t.key }] : []));
    },
    { immediate: true },
  );
  return options;
}
