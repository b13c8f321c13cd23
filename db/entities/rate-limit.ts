import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A token bucket per channel provider, shared by every worker: what keeps a provider's
 * messages-per-second limit when several workers and campaigns send at once. Not tenant-owned:
 * the provider account is the installation's.
 */
export const ProviderRateLimitSchema = defineEntity({
  name: 'ProviderRateLimit',
  tableName: 'provider_rate_limits',
  properties: {
    provider: p.string().length(64).primary(),
    ratePerSecond: p.integer(),
    burst: p.integer(),
    tokens: p.double(),
    refilledAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
});
export type ProviderRateLimit = InferEntity<typeof ProviderRateLimitSchema>;
