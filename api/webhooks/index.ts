/** Provider webhooks, each verified by its provider's signature scheme before it is believed. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../deps.ts';
import { errorBody } from '../errors.ts';
import type { Ingest } from '../tracking/ingest.ts';
import { heraldWebhooks } from './herald.ts';
import { sendgridWebhooks } from './sendgrid.ts';
import { twilioWebhooks } from './twilio.ts';

export function webhookRoutes(deps: AppDeps, ingest: Ingest) {
  return (
    new Hono()
      // SendGrid posts up to a few thousand events at once.
      .use('*', bodyLimit({ maxSize: 8 * 1024 * 1024, onError: (c) => c.json(errorBody('payload_too_large', 'request body exceeds 8 MiB'), 413) }))
      .route('/twilio', twilioWebhooks(deps, ingest))
      .route('/sendgrid', sendgridWebhooks(deps, ingest))
      .route('/herald', heraldWebhooks(deps, ingest))
  );
}
