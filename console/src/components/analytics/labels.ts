/** Names of channels and recommendation kinds as a person reads them. */
export const CHANNEL_LABELS: Record<string, string> = {
  email: 'Email',
  sms: 'SMS',
  push: 'Push',
  whatsapp: 'WhatsApp',
  in_app: 'In-app',
  paid_ads: 'Paid ads',
  social: 'Social',
  organic: 'Organic',
  direct_mail: 'Direct mail',
};
export const channelLabel = (c: string | null | undefined) => (c ? (CHANNEL_LABELS[c] ?? c) : '—');
