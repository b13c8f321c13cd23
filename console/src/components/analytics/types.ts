/** The analytics API's response types, straight from its route definitions (never written by hand). */
import type { InferResponseType } from 'hono/client';
import type { api } from '../../api/client.ts';

type A = typeof api.analytics;
export type Summary = InferResponseType<A['summary']['$get'], 200>;
export type Kpis = Summary['kpis'];
export type Overview = InferResponseType<A['campaigns']['$get'], 200>;
export type CampaignCard = Overview['items'][number];
export type Performance = InferResponseType<A['campaigns'][':id']['$get'], 200>;
export type Funnel = Performance['funnels']['performance'];
export type Channels = InferResponseType<A['channels']['$get'], 200>;
export type ChannelRow = Channels['items'][number];
export type Rankings = InferResponseType<A['rankings']['$get'], 200>;
export type Recommendation = Rankings['recommendations'][number];
export type Timeseries = InferResponseType<A['timeseries']['$get'], 200>;
export type Breakdown = InferResponseType<A['breakdowns'][':dimension']['$get'], 200>;
export type Heatmap = InferResponseType<A['heatmap']['$get'], 200>;
export type ExportView = Parameters<A['export'][':view']['$get']>[0]['param']['view'];
