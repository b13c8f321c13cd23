/**
 * One interface for every channel and provider. Adapters return a result for every expected
 * provider outcome and throw only for the unexpected (a bug, a misconfiguration).
 */
import type { CampaignChannel } from '../domain/campaign-rules.ts';

export interface OutboundMessage {
  channel: CampaignChannel;
  /** Derived from the recipient row, stable across retries: providers dedupe on it. */
  idempotencyKey: string;
  /** E-mail address, E.164 phone number, push token or webhook URL. */
  to: string;
  /** E-mail: subject, html, text. SMS/WhatsApp: text. Push: subject (title) and text (body). Webhook: text (JSON body). */
  subject?: string;
  html?: string;
  text?: string;
  from?: { name?: string; address: string };
  replyTo?: string;
  /** Extra headers (e-mail) — List-Unsubscribe and friends. */
  headers?: Record<string, string>;
  /** E-mail Message-ID, derived from the recipient row. */
  messageId?: string;
  /** Push: URL opened on tap. */
  url?: string;
  /** E-mail only: files attached (scheduled reports). */
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

export type SendResult =
  | { kind: 'accepted'; providerId: string }
  /** The provider will never take this message (invalid address, unsubscribed at the provider). */
  | { kind: 'permanent'; code: string; message: string }
  /** Try again later (5xx, timeout, 429); `retryAfterMs` when the provider said when. */
  | { kind: 'retryable'; code: string; message: string; retryAfterMs?: number };

export interface ChannelAdapter {
  readonly channel: CampaignChannel;
  send(message: OutboundMessage): Promise<SendResult>;
  close(): Promise<void>;
}
