/**
 * The one thing adapters throw for: Herald itself is misconfigured (credentials refused, no sender,
 * the adapter already closed). Every other provider outcome is a `SendResult`. Retrying the message
 * cannot help; the caller should stop the batch and tell a human (e.g. pause the campaign).
 */
import type { CampaignChannel } from '../domain/campaign-rules.ts';

export class ChannelConfigError extends Error {
  constructor(
    readonly channel: CampaignChannel,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel}: ${message}`, options);
    this.name = 'ChannelConfigError';
  }
}
