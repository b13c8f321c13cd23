/**
 * The two things adapters throw for, both about every message alike rather than one: Herald is
 * misconfigured (ChannelConfigError), or the provider turns everyone away for now
 * (ChannelUnavailableError). Every other provider outcome is a `SendResult`.
 */
import type { CampaignChannel } from '../domain/campaign-rules.ts';

/** What both carry: the channel, named first in the message ("email: …"). */
abstract class ChannelError extends Error {
  constructor(
    readonly channel: CampaignChannel,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel}: ${message}`, options);
  }
}

/**
 * Herald itself is misconfigured (credentials refused, no sender, the adapter already closed).
 * Retrying the message cannot help; the caller should stop the batch and tell a human (e.g. pause
 * the campaign).
 */
export class ChannelConfigError extends ChannelError {
  override readonly name = 'ChannelConfigError';
}

/**
 * The provider turned Herald away for now, for every message alike (an SMTP relay's `454 4.7.0
 * Temporary authentication failure`): not a misconfiguration and not this message's fault. The batch
 * should stop and be retried later as a whole (Temporal's activity retry does that), resuming after
 * the last message recorded.
 */
export class ChannelUnavailableError extends ChannelError {
  override readonly name = 'ChannelUnavailableError';
}
