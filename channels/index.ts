/**
 * The channel registry a worker builds once from its configuration: one adapter per channel, the
 * HTTP ones sharing one keep-alive dispatcher (HTTP_POOL_SIZE connections per provider origin),
 * email on its own SMTP pool (SMTP_POOL_SIZE connections). Outside production, unset provider
 * credentials get defaults that work against the local sinks; in production a channel without
 * credentials is simply not available and `get` says which variables to set.
 */
import type { Config } from '../config/env.ts';
import { CAMPAIGN_CHANNELS, type CampaignChannel } from '../domain/campaign-rules.ts';
import { createSmtpAdapter } from './email-smtp.ts';
import { ChannelConfigError } from './errors.ts';
import { createFcmAdapter } from './fcm.ts';
import { createDispatcher } from './http-common.ts';
import { createTwilioAdapter } from './twilio.ts';
import type { ChannelAdapter } from './types.ts';
import { createWebhookAdapter } from './webhook.ts';

export type { ChannelAdapter, OutboundMessage, SendResult } from './types.ts';
export { ChannelConfigError, ChannelUnavailableError } from './errors.ts';
export { createSmtpAdapter, type SmtpAdapterOptions } from './email-smtp.ts';
export { createTwilioAdapter, type TwilioAdapterOptions } from './twilio.ts';
export { createFcmAdapter, type FcmAdapterOptions } from './fcm.ts';
export { createWebhookAdapter, type WebhookAdapterOptions } from './webhook.ts';
export { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

export type ChannelsConfig = Pick<
  Config,
  | 'NODE_ENV'
  | 'smtpUrl'
  | 'providerHttpUrl'
  | 'SMTP_POOL_SIZE'
  | 'HTTP_POOL_SIZE'
  | 'TWILIO_ACCOUNT_SID'
  | 'TWILIO_AUTH_TOKEN'
  | 'TWILIO_FROM'
  | 'TWILIO_WHATSAPP_FROM'
  | 'FCM_URL'
  | 'FCM_PROJECT_ID'
  | 'FCM_ACCESS_TOKEN'
  | 'WEBHOOK_SIGNING_SECRET'
>;

export interface Channels {
  /** The adapter for a channel; throws ChannelConfigError when it is not configured. */
  get(channel: CampaignChannel): ChannelAdapter;
  has(channel: CampaignChannel): boolean;
  /** Closes every adapter: SMTP connections say QUIT, HTTP connections are closed when idle. */
  closeAll(): Promise<void>;
}

/** Work against the sinks (`npm start` in development, the test suite); never used in production. */
export const DEV_CREDENTIALS = {
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'herald-dev-auth-token',
  TWILIO_FROM: '+15005550006',
  FCM_PROJECT_ID: 'herald-dev',
  FCM_ACCESS_TOKEN: 'herald-dev-fcm-token',
  WEBHOOK_SIGNING_SECRET: 'herald-dev-webhook-secret',
} as const;

export function createChannels(config: ChannelsConfig): Channels {
  const dev = config.NODE_ENV !== 'production';
  const pick = <K extends keyof typeof DEV_CREDENTIALS>(key: K): string | undefined => config[key] ?? (dev ? DEV_CREDENTIALS[key] : undefined);
  const adapters = new Map<CampaignChannel, ChannelAdapter>();
  const missing = new Map<CampaignChannel, string>();
  const http = createDispatcher({ connections: config.HTTP_POOL_SIZE });

  adapters.set('email', createSmtpAdapter({ url: config.smtpUrl, pool: { maxConnections: config.SMTP_POOL_SIZE } }));

  const sid = pick('TWILIO_ACCOUNT_SID');
  const token = pick('TWILIO_AUTH_TOKEN');
  const smsFrom = pick('TWILIO_FROM');
  if (sid && token) {
    const base = { baseUrl: config.providerHttpUrl, accountSid: sid, authToken: token, dispatcher: http };
    adapters.set('sms', createTwilioAdapter({ ...base, channel: 'sms', ...(smsFrom ? { from: smsFrom } : {}) }));
    const waFrom = config.TWILIO_WHATSAPP_FROM ?? smsFrom;
    adapters.set('whatsapp', createTwilioAdapter({ ...base, channel: 'whatsapp', ...(waFrom ? { from: waFrom } : {}) }));
  } else {
    missing.set('sms', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    missing.set('whatsapp', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
  }

  const project = pick('FCM_PROJECT_ID');
  const fcmToken = pick('FCM_ACCESS_TOKEN');
  if (project && fcmToken) {
    adapters.set('push', createFcmAdapter({ baseUrl: config.FCM_URL ?? config.providerHttpUrl, projectId: project, accessToken: fcmToken, dispatcher: http }));
  } else {
    missing.set('push', 'FCM_PROJECT_ID and FCM_ACCESS_TOKEN');
  }

  const secret = pick('WEBHOOK_SIGNING_SECRET');
  if (secret) adapters.set('webhook', createWebhookAdapter({ signingSecret: secret, dispatcher: http }));
  else missing.set('webhook', 'WEBHOOK_SIGNING_SECRET');

  let closing: Promise<void> | undefined;
  return {
    get(channel) {
      const adapter = adapters.get(channel);
      if (adapter) return adapter;
      if (!CAMPAIGN_CHANNELS.includes(channel)) throw new TypeError(`unknown channel ${JSON.stringify(channel)}`);
      throw new ChannelConfigError(channel, `not configured: set ${missing.get(channel) ?? 'its provider variables'}`);
    },
    has: (channel) => adapters.has(channel),
    closeAll: () =>
      (closing ??= (async () => {
        await Promise.allSettled([...adapters.values()].map((a) => a.close()));
        await http.close();
      })()),
  };
}
