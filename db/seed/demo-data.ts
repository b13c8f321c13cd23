/**
 * What the demo seed writes, as plain data: the two companies, their teams, segments, templates,
 * budgets and seed 004's retailers. Dates are computed from `asOf` (see demo.ts), never read from a
 * clock here, so the same `asOf` always gives the same rows.
 */
import type { SegmentRule } from '../../domain/segment-types.ts';
import type { CampaignChannel, CampaignType } from '../../domain/campaign-rules.ts';
import type { CampaignContent } from '../entities/index.ts';

export const DAY_MS = 86_400_000;

/** Midnight UTC of `asOf`'s day plus `days` days and `hour` hours. */
export function dayAt(asOf: Date, days: number, hour = 9): Date {
  const midnight = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  return new Date(midnight + days * DAY_MS + hour * 3_600_000);
}

/** The most recent January that is over (seed 003's "January SMS Blast" ran in January 2026). */
export function lastJanuaryYear(asOf: Date): number {
  return asOf.getUTCMonth() >= 1 ? asOf.getUTCFullYear() : asOf.getUTCFullYear() - 1;
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface CompanySpec {
  key: 'acme' | 'aurelia';
  slug: string;
  name: string;
  loginDomain: string;
  codePrefix: string;
  timeZone: string;
  approvalThreshold: string;
  approvalAlwaysRequired: boolean;
  channelCosts: Record<string, string>;
  teams: { name: string; region: string }[];
  /** Team index and region of each role's user. */
  userPlacement: Record<string, { team: number; region: string }>;
  generatedContacts: number;
}

const PLACEMENT_ACME = {
  admin: { team: 0, region: 'East' },
  manager: { team: 0, region: 'East' },
  approver: { team: 0, region: 'East' },
  analyst: { team: 0, region: 'Central' },
  ops: { team: 1, region: 'West' },
  viewer: { team: 2, region: 'Central' },
};

export const COMPANIES: readonly CompanySpec[] = [
  {
    key: 'acme',
    slug: 'acme-retail',
    name: 'Acme Retail',
    loginDomain: 'acme.example',
    codePrefix: 'ACME',
    timeZone: 'America/New_York',
    approvalThreshold: '10000.00',
    approvalAlwaysRequired: false,
    channelCosts: { email: '0.0010', sms: '0.0075', push: '0.0001', whatsapp: '0.0050', webhook: '0.0000' },
    teams: [
      { name: 'Marketing', region: 'East' },
      { name: 'Operations', region: 'West' },
      { name: 'Regional Sales', region: 'Central' },
    ],
    userPlacement: PLACEMENT_ACME,
    generatedContacts: 10_000,
  },
  {
    key: 'aurelia',
    slug: 'aurelia-jewels',
    name: 'Aurelia Jewels',
    loginDomain: 'aurelia.example',
    codePrefix: 'AUR',
    timeZone: 'America/New_York',
    approvalThreshold: '50000.00',
    approvalAlwaysRequired: true,
    // Email goes through the brand's flat-fee ESP: no per-message cost, spend is booked as entries.
    channelCosts: { email: '0.0000', sms: '0.0080', push: '0.0000', whatsapp: '0.0060', webhook: '0.0000' },
    teams: [
      { name: 'Brand Marketing', region: 'East' },
      { name: 'Retail Partnerships', region: 'Central' },
    ],
    userPlacement: {
      admin: { team: 0, region: 'East' },
      manager: { team: 1, region: 'East' },
      approver: { team: 0, region: 'East' },
      analyst: { team: 0, region: 'Central' },
      ops: { team: 1, region: 'West' },
      viewer: { team: 1, region: 'West' },
    },
    generatedContacts: 1_000,
  },
];

export interface SegmentSpec {
  key: string;
  name: string;
  description: string;
  type: 'demographic' | 'behavioral' | 'geographic' | 'psychographic' | 'mixed';
  rules: SegmentRule | null;
}

/** Seed 002's example, word for word: "dealers who have completed more than 100 MT of lifting". */
export const DEALER_RULE: SegmentRule = {
  all: [
    { field: 'attributes.dealer', op: '=', value: true },
    { field: 'attributes.lifting_mt', op: '>', value: 100 },
  ],
};

export const SEGMENTS: Readonly<Record<CompanySpec['key'], SegmentSpec[]>> = {
  acme: [
    { key: 'everyone', name: 'Everyone', description: 'Every contact of the company.', type: 'mixed', rules: null },
    { key: 'dealers', name: 'Dealers over 100 MT lifted', description: 'Seed 002: dealers who have completed more than 100 MT of lifting.', type: 'behavioral', rules: DEALER_RULE },
    { key: 'vip', name: 'Gold and platinum members', description: 'Loyalty tiers gold and platinum.', type: 'demographic', rules: { field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] } },
    { key: 'coasts', name: 'East and West regions', description: 'Contacts in the East or West region.', type: 'geographic', rules: { field: 'region', op: 'in', value: ['East', 'West'] } },
    { key: 'recent', name: 'Bought in the last 30 days', description: 'Last purchase within 30 days.', type: 'behavioral', rules: { field: 'attributes.last_purchase_at', op: 'within_last', value: 30 } },
    {
      key: 'lapsed',
      name: 'Lapsed buyers',
      description: 'Bought before, but not in the last 180 days.',
      type: 'behavioral',
      rules: { all: [{ field: 'attributes.orders_count', op: '>=', value: 1 }, { not: { field: 'attributes.last_purchase_at', op: 'within_last', value: 180 } }] },
    },
    {
      key: 'sms',
      name: 'SMS audience',
      description: 'Has a phone number and has not unsubscribed.',
      type: 'mixed',
      rules: { all: [{ field: 'phone', op: 'exists' }, { field: 'unsubscribed', op: '=', value: false }] },
    },
    {
      key: 'email',
      name: 'Email audience',
      description: 'Has an email address that neither unsubscribed, bounced nor complained.',
      type: 'mixed',
      rules: {
        all: [
          { field: 'email', op: 'exists' },
          { field: 'unsubscribed', op: '=', value: false },
          { field: 'bounced', op: '=', value: false },
          { field: 'complained', op: '=', value: false },
        ],
      },
    },
  ],
  aurelia: [
    { key: 'retailers', name: 'Authorised retailers', description: 'Seed 004: the fifteen luxury retailers.', type: 'mixed', rules: { field: 'attributes.retailer', op: '=', value: true } },
    {
      key: 'east-retailers',
      name: 'East region retailers',
      description: 'Retailers in the East region.',
      type: 'geographic',
      rules: { all: [{ field: 'attributes.retailer', op: '=', value: true }, { field: 'region', op: '=', value: 'East' }] },
    },
    { key: 'vip', name: 'VIP clients', description: 'Gold and platinum clients.', type: 'psychographic', rules: { field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] } },
  ],
};

export interface TemplateSpec {
  code: string;
  name: string;
  type: CampaignType;
  channel: CampaignChannel;
  isDefault?: boolean;
  content: CampaignContent;
}

export const TEMPLATES: Readonly<Record<CompanySpec['key'], TemplateSpec[]>> = {
  acme: [
    { code: 'TPL-NEWS', name: 'Monthly newsletter', type: 'newsletter', channel: 'email', isDefault: true, content: { email: { subject: '{{ month }} at Acme', html: '<h1>What is new at Acme</h1><p>Hello {{ first_name }},</p>' } } },
    { code: 'TPL-SMS-PROMO', name: 'SMS promotion', type: 'promotional', channel: 'sms', content: { sms: { body: 'Acme: {{ offer }} today only. Reply STOP to opt out.' } } },
    { code: 'TPL-WA-LOYALTY', name: 'WhatsApp loyalty reward', type: 'loyalty', channel: 'whatsapp', content: { whatsapp: { body: 'Thank you for {{ lifting_mt }} MT this year!', templateName: 'loyalty_reward' } } },
    { code: 'TPL-PUSH', name: 'Push flash sale', type: 'promotional', channel: 'push', content: { push: { title: 'Flash sale', body: '{{ offer }} for the next 4 hours' } } },
  ],
  aurelia: [
    { code: 'TPL-LAUNCH', name: 'Collection launch', type: 'product_launch', channel: 'email', isDefault: true, content: { email: { subject: 'Introducing the {{ collection }}', html: '<h1>{{ collection }}</h1>' } } },
    { code: 'TPL-RETAIL', name: 'Retailer announcement', type: 'announcement', channel: 'email', content: { email: { subject: 'Exclusive retailer pricing', html: '<p>Dear {{ retailer_name }},</p>' } } },
  ],
};

export interface BudgetSpec {
  suffix: string;
  name: string;
  type: 'marketing' | 'channel' | 'regional' | 'product' | 'event';
  total: string;
  approvalThreshold: string;
  costCentres: string[];
  allocationRules: Record<string, unknown>;
}

/** One of each per fiscal year, for the year before `asOf`'s, its own and the next (fixed count). */
export const BUDGETS: Readonly<Record<CompanySpec['key'], BudgetSpec[]>> = {
  acme: [
    { suffix: 'MKT', name: 'Marketing', type: 'marketing', total: '250000', approvalThreshold: '10000', costCentres: ['CC-100 Marketing', 'CC-110 Digital'], allocationRules: { maxShareOfBudgetPerCampaign: 0.25 } },
    { suffix: 'SMS', name: 'SMS channel', type: 'channel', total: '40000', approvalThreshold: '10000', costCentres: ['CC-110 Digital'], allocationRules: { channels: ['sms', 'whatsapp'] } },
  ],
  aurelia: [
    { suffix: 'BRAND', name: 'Brand marketing', type: 'marketing', total: '400000', approvalThreshold: '50000', costCentres: ['CC-10 Brand'], allocationRules: { maxShareOfBudgetPerCampaign: 0.4 } },
    { suffix: 'RETAIL', name: 'Retail co-op', type: 'regional', total: '150000', approvalThreshold: '50000', costCentres: ['CC-21 East', 'CC-22 Central', 'CC-23 West'], allocationRules: { byRegion: { East: 0.4, Central: 0.3, West: 0.3 } } },
  ],
};

export interface RetailerSpec {
  name: string;
  region: 'East' | 'Central' | 'West';
  city: string;
  timeZone: string;
  buyer: [string, string];
}

/** Seed 004's fifteen luxury retailers, five per region. */
export const RETAILERS: readonly RetailerSpec[] = [
  { name: 'Betteridge NY', region: 'East', city: 'New York', timeZone: 'America/New_York', buyer: ['Eleanor', 'Vance'] },
  { name: 'Tourneau Times Square', region: 'East', city: 'New York', timeZone: 'America/New_York', buyer: ['Marcus', 'Hale'] },
  { name: 'Manfredi Jewels', region: 'East', city: 'Greenwich', timeZone: 'America/New_York', buyer: ['Giulia', 'Manfredi'] },
  { name: 'David Yurman Boston', region: 'East', city: 'Boston', timeZone: 'America/New_York', buyer: ['Owen', 'Price'] },
  { name: 'Tiffany & Co Fifth Ave', region: 'East', city: 'New York', timeZone: 'America/New_York', buyer: ['Clara', 'Whitfield'] },
  { name: "Bachendorf's Dallas", region: 'Central', city: 'Dallas', timeZone: 'America/Chicago', buyer: ['Ruth', 'Bachendorf'] },
  { name: 'Mayors Jewelry', region: 'Central', city: 'Chicago', timeZone: 'America/Chicago', buyer: ['Dennis', 'Moy'] },
  { name: 'Fields Jewelers', region: 'Central', city: 'Chicago', timeZone: 'America/Chicago', buyer: ['Alma', 'Fields'] },
  { name: 'Jewelry Design Center', region: 'Central', city: 'St. Louis', timeZone: 'America/Chicago', buyer: ['Victor', 'Ames'] },
  { name: 'Luxury Time Chicago', region: 'Central', city: 'Chicago', timeZone: 'America/Chicago', buyer: ['Nadia', 'Kerr'] },
  { name: 'Cartier Rodeo Drive', region: 'West', city: 'Beverly Hills', timeZone: 'America/Los_Angeles', buyer: ['Sophie', 'Laurent'] },
  { name: 'Westime LA', region: 'West', city: 'Los Angeles', timeZone: 'America/Los_Angeles', buyer: ['John', 'Simonian'] },
  { name: 'Cellini Beverly Hills', region: 'West', city: 'Beverly Hills', timeZone: 'America/Los_Angeles', buyer: ['Leon', 'Adams'] },
  { name: 'Shreve & Co', region: 'West', city: 'San Francisco', timeZone: 'America/Los_Angeles', buyer: ['Hannah', 'Shreve'] },
  { name: 'Ben Bridge Jeweler', region: 'West', city: 'Seattle', timeZone: 'America/Los_Angeles', buyer: ['Ed', 'Bridge'] },
];

export function retailerEmail(r: RetailerSpec): string {
  const slug = r.name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `buyer@${slug}.example`;
}
