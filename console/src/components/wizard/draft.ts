/**
 * The wizard's form, how it is filled from a stored campaign and turned into the body the API takes
 * (POST /api/campaigns, PATCH with If-Match), and which step owns each field the API may name in a
 * validation issue.
 */
import { instantToZoned, zonedToInstant } from './time-zone.ts';
import { isTrackedChannel } from '../../../../domain/campaign-rules.ts';

/** Paid ads, social, organic, direct mail: Herald tracks their figures but sends nothing, so there is no audience or content. */
export const isTracked = (channel: string) => isTrackedChannel(channel);

export const STEPS = [
  { key: 'details', title: 'Details' },
  { key: 'audience', title: 'Audience' },
  { key: 'content', title: 'Content' },
  { key: 'schedule', title: 'Schedule' },
  { key: 'budget', title: 'Budget and targets' },
  { key: 'review', title: 'Review and submit' },
] as const;
export type StepKey = (typeof STEPS)[number]['key'];

export interface ContentField {
  key: string;
  label: string;
  multiline?: boolean;
  /** Personalisation fields can be inserted here. */
  personal?: boolean;
}

/** What each channel's content holds (api/campaigns/schemas.ts ContentSchema). */
export const CHANNEL_FIELDS: Record<string, ContentField[]> = {
  email: [
    { key: 'subject', label: 'Subject', personal: true },
    { key: 'preheader', label: 'Preheader (shown after the subject in the inbox)', personal: true },
    { key: 'html', label: 'HTML body', multiline: true, personal: true },
    { key: 'text', label: 'Plain-text body (for mail apps without HTML)', multiline: true, personal: true },
  ],
  sms: [{ key: 'body', label: 'Message', multiline: true, personal: true }],
  whatsapp: [
    { key: 'body', label: 'Message', multiline: true, personal: true },
    { key: 'templateName', label: 'Approved WhatsApp template name' },
  ],
  push: [
    { key: 'title', label: 'Title', personal: true },
    { key: 'body', label: 'Message', multiline: true, personal: true },
    { key: 'url', label: 'Link opened on tap' },
  ],
  webhook: [
    { key: 'url', label: 'Webhook URL' },
    { key: 'payload', label: 'Payload (a template, e.g. JSON)', multiline: true, personal: true },
  ],
};

/** Who a message comes from, per channel (api/campaigns/schemas.ts SenderSchema). */
export const SENDER_FIELDS: Record<string, { key: keyof WizardForm['sender']; label: string; hint: string }[]> = {
  email: [
    { key: 'fromName', label: 'From name', hint: 'The name inboxes show, e.g. "Acme Offers"' },
    { key: 'fromEmail', label: 'From address', hint: 'An address of a domain your mail server may send for' },
    { key: 'replyTo', label: 'Reply-to address (optional)', hint: 'Where replies go, when not to the from address' },
  ],
  sms: [{ key: 'smsFrom', label: 'Sender number or name', hint: 'E.164 number (+15551234567) or an approved alphanumeric name' }],
  whatsapp: [{ key: 'smsFrom', label: 'Sender number', hint: 'The WhatsApp business number, E.164' }],
};

export interface VariantForm {
  key: string;
  /** Share of the audience in percent, as typed. */
  split: string;
  /** Fields that differ from the main content, for the campaign's channel; empty ones use the main content. */
  content: Record<string, string>;
}

/** Two variants splitting the audience evenly, both starting as the main content. */
export const abTest = (): VariantForm[] => [
  { key: 'A', split: '50', content: {} },
  { key: 'B', split: '50', content: {} },
];

export const PERSONAL_FIELDS = [
  { token: 'contact.first_name', label: 'First name' },
  { token: 'contact.last_name', label: 'Last name' },
  { token: 'contact.email', label: 'Email' },
  { token: 'contact.phone', label: 'Phone' },
  { token: 'campaign.name', label: 'Campaign name' },
  { token: 'campaign.code', label: 'Campaign code' },
  { token: 'unsubscribe_url', label: 'Unsubscribe link' },
];

/** A recurring campaign's cadence as the schedule step edits it (api/campaigns/schemas.ts RecurrenceSchema). */
export interface RepeatForm {
  on: boolean;
  frequency: 'daily' | 'weekly' | 'monthly';
  /** `HH:MM`, as the time input gives it. */
  at: string;
  weekdays: string[];
  /** As typed: the API names a wrong one. */
  dayOfMonth: string;
  timeZone: string;
}

export const WEEKDAY_CHOICES = [
  { value: 'mon', title: 'Monday' },
  { value: 'tue', title: 'Tuesday' },
  { value: 'wed', title: 'Wednesday' },
  { value: 'thu', title: 'Thursday' },
  { value: 'fri', title: 'Friday' },
  { value: 'sat', title: 'Saturday' },
  { value: 'sun', title: 'Sunday' },
] as const;

const TARGETS = ['audienceSize', 'conversionRate', 'roi', 'leads', 'conversions'] as const;
type TargetKey = (typeof TARGETS)[number];

export interface WizardForm {
  name: string;
  code: string;
  description: string;
  type: string;
  category: string | null;
  channel: string;
  /** Wall-clock `YYYY-MM-DDTHH:mm` in the company's time zone. */
  start: string;
  end: string;
  budget: string;
  currency: string;
  targets: Record<TargetKey, string>;
  content: Record<string, Record<string, string>>;
  sender: { fromName: string; fromEmail: string; replyTo: string; smsFrom: string };
  variants: VariantForm[];
  audience: { mode: 'rules' | 'segment'; segmentId: string | null; rules: unknown };
  repeat: RepeatForm;
}

const noRepeat = (timeZone: string): RepeatForm => ({ on: false, frequency: 'weekly', at: '09:00', weekdays: [], dayOfMonth: '1', timeZone });

/** A new campaign starts tomorrow at 09:00 company time and runs a week, until the user says otherwise. */
export function emptyForm(timeZone: string, currency: string, now = new Date()): WizardForm {
  const tomorrow = instantToZoned(new Date(now.getTime() + 86_400_000).toISOString(), timeZone).slice(0, 10);
  const startIso = zonedToInstant(`${tomorrow}T09:00`, timeZone)!;
  return {
    name: '',
    code: '',
    description: '',
    type: 'promotional',
    category: null,
    channel: 'email',
    start: `${tomorrow}T09:00`,
    end: instantToZoned(new Date(Date.parse(startIso) + 7 * 86_400_000).toISOString(), timeZone),
    budget: '',
    currency,
    targets: { audienceSize: '', conversionRate: '', roi: '', leads: '', conversions: '' },
    content: {},
    sender: { fromName: '', fromEmail: '', replyTo: '', smsFrom: '' },
    variants: [],
    audience: { mode: 'rules', segmentId: null, rules: null },
    repeat: noRepeat(timeZone),
  };
}

interface StoredCampaign {
  name: string;
  code: string;
  description: string | null;
  type: string;
  category: string | null;
  channel: string;
  startAt: string;
  endAt: string;
  budget: { amount: string; currency: string };
  targets: Record<TargetKey, string | number>;
  content: Record<string, unknown>;
  sender?: Record<string, unknown>;
  variants?: Record<string, unknown>[];
  audience: { segmentId: string | null; rules: unknown } | null;
  recurrence?: { frequency: RepeatForm['frequency']; at: string; weekdays?: string[]; dayOfMonth?: number; timeZone: string } | null;
}

export function formFrom(c: StoredCampaign, timeZone: string): WizardForm {
  const content: WizardForm['content'] = {};
  for (const [channel, fields] of Object.entries(c.content)) {
    if (fields && typeof fields === 'object') content[channel] = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v ?? '')]));
  }
  const target = (k: TargetKey) => {
    const v = c.targets[k];
    return v === undefined || v === 0 || v === '0' || v === '0.00' ? '' : String(v);
  };
  return {
    name: c.name,
    code: c.code,
    description: c.description ?? '',
    type: c.type,
    category: c.category,
    channel: c.channel,
    start: instantToZoned(c.startAt, timeZone),
    end: instantToZoned(c.endAt, timeZone),
    budget: c.budget.amount === '0.00' || c.budget.amount === '0' ? '' : c.budget.amount,
    currency: c.budget.currency,
    targets: Object.fromEntries(TARGETS.map((k) => [k, target(k)])) as WizardForm['targets'],
    content,
    sender: { fromName: str(c.sender?.fromName), fromEmail: str(c.sender?.fromEmail), replyTo: str(c.sender?.replyTo), smsFrom: str(c.sender?.smsFrom) },
    variants: (c.variants ?? []).map((v) => {
      const own = (v.content as Record<string, Record<string, unknown>> | undefined)?.[c.channel] ?? {};
      const main = content[c.channel] ?? {};
      // A field saved as a copy of the main content shows empty again: "as in the main message".
      const differs = Object.entries(own).filter(([k, x]) => str(x) !== (main[k] ?? ''));
      return { key: str(v.key), split: str(v.split), content: Object.fromEntries(differs.map(([k, x]) => [k, str(x)])) };
    }),
    audience: c.audience?.segmentId ? { mode: 'segment', segmentId: c.audience.segmentId, rules: null } : { mode: 'rules', segmentId: null, rules: c.audience?.rules ?? null },
    repeat: c.recurrence
      ? { on: true, frequency: c.recurrence.frequency, at: c.recurrence.at, weekdays: c.recurrence.weekdays ?? [], dayOfMonth: String(c.recurrence.dayOfMonth ?? 1), timeZone: c.recurrence.timeZone }
      : noRepeat(timeZone),
  };
}

/** The recurrence the API takes: only the fields of the chosen frequency; null for a one-off or a tracked campaign. */
export function recurrenceOf(form: WizardForm) {
  const r = form.repeat;
  if (!r.on || isTracked(form.channel)) return null;
  const day = r.dayOfMonth.trim();
  return {
    frequency: r.frequency,
    at: r.at,
    ...(r.frequency === 'weekly' ? { weekdays: r.weekdays as ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[] } : {}),
    // A day that is not a whole number goes as typed: the API names the field.
    ...(r.frequency === 'monthly' ? { dayOfMonth: (INTEGER.test(day) ? Number(day) : day) as number } : {}),
    timeZone: r.timeZone,
  };
}

const INTEGER = /^\d+$/;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const filledOf = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));

/** The body of a create or an edit: what the user filled in, unchanged where the API must judge it. */
export function payloadOf(form: WizardForm, timeZone: string) {
  const targets: Record<string, string | number> = {};
  for (const k of TARGETS) {
    const v = form.targets[k].trim();
    if (v === '') continue;
    // Counts are integers; rates are decimal strings. Anything else goes as typed, for the API to name.
    targets[k] = k === 'conversionRate' || k === 'roi' ? v : INTEGER.test(v) ? Number(v) : v;
  }
  const filled = filledOf(form.content[form.channel] ?? {});
  // Only the sender fields of the campaign's channel, and only those filled in (an empty one is "none").
  const sender = Object.fromEntries((SENDER_FIELDS[form.channel] ?? []).map((f) => [f.key, form.sender[f.key].trim()]).filter(([, v]) => v !== ''));
  const variants = form.variants.map((v) => {
    // The API wants a variant's content whole (an e-mail needs its subject and HTML): what the
    // variant leaves empty is the main content's.
    const changed = filledOf(v.content);
    const own = Object.keys(changed).length ? { ...filled, ...changed } : {};
    const split = v.split.trim();
    // The split goes as typed when it is not a whole number: the API names the field.
    return { key: v.key.trim(), split: INTEGER.test(split) ? Number(split) : split, ...(Object.keys(own).length ? { content: { [form.channel]: own } } : {}) };
  });
  return {
    name: form.name,
    ...(form.code.trim() ? { code: form.code.trim() } : {}),
    description: form.description.trim() || null,
    type: form.type,
    category: form.category || null,
    channel: form.channel,
    startAt: zonedToInstant(form.start, timeZone) ?? form.start,
    endAt: zonedToInstant(form.end, timeZone) ?? form.end,
    ...(form.budget.trim() ? { budget: form.budget.trim() } : {}),
    currency: form.currency,
    targets,
    // Only the campaign's own channel is sent: content typed for a channel it no longer uses is dropped.
    content: Object.keys(filled).length ? { [form.channel]: filled } : {},
    sender,
    variants,
    audience: form.audience.mode === 'segment' ? { segmentId: form.audience.segmentId, rules: null } : { segmentId: null, rules: form.audience.rules },
    recurrence: recurrenceOf(form),
  };
}
export type WizardPayload = ReturnType<typeof payloadOf>;

const STEP_OF_FIELD: [RegExp, StepKey][] = [
  [/^(name|code|description|type|category|channel)$/, 'details'],
  [/^audience/, 'audience'],
  [/^(content|sender|variants)/, 'content'],
  [/^(startAt|endAt|recurrence)/, 'schedule'],
  [/^(budget|currency|targets)/, 'budget'],
];

/** The step that shows a field the API named; anything else is shown on the review step. */
export function stepOf(field: string): StepKey {
  return STEP_OF_FIELD.find(([re]) => re.test(field))?.[1] ?? 'review';
}

const FIELD_LABELS: Record<string, string> = {
  name: 'Campaign name',
  code: 'Code',
  description: 'Description',
  type: 'Type',
  category: 'Category',
  channel: 'Channel',
  startAt: 'Start',
  endAt: 'End',
  budget: 'Budget',
  currency: 'Currency',
  audience: 'Audience',
  'audience.segmentId': 'Saved segment',
  'targets.audienceSize': 'Audience size target',
  'targets.conversionRate': 'Expected conversion rate',
  'targets.roi': 'Target ROI',
  'targets.leads': 'Target leads',
  'targets.conversions': 'Target conversions',
  'sender.fromName': 'From name',
  'sender.fromEmail': 'From address',
  'sender.replyTo': 'Reply-to address',
  'sender.smsFrom': 'Sender number',
  variants: 'A/B variants',
  recurrence: 'Recurrence',
  'recurrence.frequency': 'Repeats',
  'recurrence.at': 'Time',
  'recurrence.weekdays': 'Days of the week',
  'recurrence.dayOfMonth': 'Day of the month',
  'recurrence.timeZone': 'Time zone',
};

/** A field the API named, as the form labels it ("content.email.subject" → "Subject"). */
export function fieldLabel(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  if (field.startsWith('audience.rules')) return 'Audience rules';
  const variant = /^variants\.(\d+)\.(key|split|content)/.exec(field);
  if (variant) return `Variant ${Number(variant[1]) + 1} ${variant[2] === 'split' ? 'share' : variant[2] === 'key' ? 'name' : 'content'}`;
  const content = /^content\.(\w+)\.(\w+)/.exec(field);
  if (content) return CHANNEL_FIELDS[content[1]!]?.find((f) => f.key === content[2])?.label ?? field;
  return field.startsWith('content') ? 'Content' : field;
}

/** Custom attributes the audience rules use (`attributes.tier` → `tier`): offered as personalisation fields too. */
export function attributeKeys(rules: unknown, prefix = 'attributes.'): string[] {
  const keys = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const field = (node as { field?: unknown }).field;
      if (typeof field === 'string' && field.startsWith(prefix) && /^\w{1,64}$/.test(field.slice(prefix.length))) keys.add(field.slice(prefix.length));
      Object.values(node).forEach(walk);
    }
  };
  walk(rules);
  return [...keys].sort();
}
