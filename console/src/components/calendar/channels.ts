/** A colour per channel, always beside the channel's name (never colour alone). */
import { mdiCellphoneMessage, mdiEmailOutline, mdiBellRingOutline, mdiWhatsapp, mdiWebhook } from '@mdi/js';

export const CHANNEL_LOOK: Record<string, { color: string; icon: string; label: string }> = {
  email: { color: 'primary', icon: mdiEmailOutline, label: 'Email' },
  sms: { color: 'secondary', icon: mdiCellphoneMessage, label: 'SMS' },
  push: { color: 'info', icon: mdiBellRingOutline, label: 'Push' },
  whatsapp: { color: 'success', icon: mdiWhatsapp, label: 'WhatsApp' },
  webhook: { color: 'error', icon: mdiWebhook, label: 'Webhook' },
};
