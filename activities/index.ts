import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { Logger } from '../config/logger.ts';
import type { CampaignActivities, RecurringActivities, ReportActivities, WebhookActivities } from './campaign-types.ts';
import { createRecurringActivities } from './recurring.ts';
import { createSeriesActivities, type SeriesActivities } from './series.ts';
import { createWebhookActivities } from './webhooks.ts';
import { createReportActivities } from './reports.ts';
import { createCampaignBookkeeping } from './campaign.ts';
import { createSendBatch, type ChannelRegistry } from './send-batch.ts';

export interface ActivityDeps {
  orm: MikroORM;
  config: Config;
  log: Logger;
  channels: ChannelRegistry;
  /** Messages in flight at once within one batch (defaults to SEND_CONCURRENCY). */
  sendConcurrency?: number;
  /** A Temporal client for the schedules of recurring campaigns (made on first use). */
  temporal?: () => Promise<Client>;
}

/**
 * Builds every activity the worker registers, closed over real dependencies (tests pass their own).
 * None uses the global entity manager.
 */
export function createActivities(deps: ActivityDeps): CampaignActivities & RecurringActivities & SeriesActivities & WebhookActivities & ReportActivities {
  return {
    ...createCampaignBookkeeping(deps.orm),
    ...createRecurringActivities(deps.orm),
    ...createSeriesActivities(deps.orm, deps.temporal),
    ...createWebhookActivities(deps.orm, { allowInsecure: deps.config.webhookAllowInsecure }),
    ...createReportActivities(deps.orm, deps.channels, { from: deps.config.reportsFrom, publicUrl: deps.config.publicUrl }),
    sendBatch: createSendBatch({
      orm: deps.orm,
      channels: deps.channels,
      publicUrl: deps.config.publicUrl,
      trackingSecret: deps.config.trackingSecret,
      concurrency: deps.sendConcurrency ?? deps.config.SEND_CONCURRENCY,
      ...(deps.config.RATE_LIMITS ? { rateLimits: deps.config.RATE_LIMITS } : {}),
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
