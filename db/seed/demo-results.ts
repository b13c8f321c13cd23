/**
 * What the seeded campaigns achieved and cost, written so that analytics computed from the rows
 * reproduce the seeds' own figures:
 * - seed 003 "January SMS Blast": spend 5,000; 120 leads; 12 sales worth 18,000 in all, so
 *   ROI = (18,000 − 5,000) / 5,000 = 260 %, cost per lead 41.67, conversion rate 12 / 120 = 10 %;
 * - seed 004's launch: spend 33,500; CRM conversions plus orders worth 41,500, Cartier Rodeo Drive
 *   8,500, Betteridge NY 7,200 and Tiffany & Co Fifth Ave 6,800 the top three. Seed 004 prints
 *   "124 % ROI" for these amounts; the formula it states gives (41,500 − 33,500) / 33,500 = 23.9 %.
 */
import type { CampaignChannel } from '../../domain/campaign-rules.ts';
import type { SpendEntry } from '../entities/index.ts';

export interface SpendSpec {
  category: SpendEntry['category'];
  amount: string;
  /** Days after the campaign's start. */
  day: number;
  channel?: CampaignChannel;
  description: string;
}

/** By campaign key; each list adds up to the campaign's `spend` (checked when seeding). */
export const SPEND: Readonly<Record<string, SpendSpec[]>> = {
  'january-sms-blast': [
    { category: 'channel', amount: '3250', day: 0, channel: 'sms', description: 'SMS gateway: bulk package' },
    { category: 'production', amount: '750', day: 0, description: 'Copy and offer design' },
    { category: 'agency', amount: '1000', day: 2, description: 'Agency fee' },
  ],
  'new-collection-launch': [
    { category: 'media', amount: '18000', day: 0, description: 'Retail co-op media' },
    { category: 'production', amount: '7500', day: 0, description: 'Photography and lookbook' },
    { category: 'agency', amount: '8000', day: 7, description: 'Agency retainer' },
  ],
  'spring-collection-preview': [
    { category: 'media', amount: '30000', day: 0, description: 'Retail co-op media' },
    { category: 'production', amount: '12000', day: 0, description: 'Preview event materials' },
  ],
  'holiday-luxury': [
    { category: 'media', amount: '60000', day: 0, description: 'Holiday media' },
    { category: 'agency', amount: '25000', day: 5, description: 'Agency fee' },
  ],
};

/** Seed 003's three tracked days and its funnel (awareness 10,000 → interest 500 → 120 → 30 → 12). */
export const JANUARY_DAYS = [
  { sent: 10_000, delivered: 9_850, impressions: 4_000, reach: 3_940, clicks: 200, leads: 50, opportunities: 12, conversions: 5, cost: '4000' },
  { sent: 0, delivered: 0, impressions: 3_500, reach: 3_450, clicks: 180, leads: 40, opportunities: 10, conversions: 4, cost: '0' },
  { sent: 0, delivered: 0, impressions: 2_500, reach: 2_460, clicks: 120, leads: 30, opportunities: 8, conversions: 3, cost: '1000' },
] as const;
export const JANUARY_SALE_VALUE = '1500';
export const JANUARY_FUNNEL = { impressions: 10_000, reach: 9_850, engagement: 500, leads: 120, opportunities: 30, conversions: 12 };
export const JANUARY_PRODUCTS = ['Electronics', 'Home', 'Apparel', 'Footwear'] as const;

export interface RetailerResult {
  opened: boolean;
  clicked: boolean;
  conversions: { type: 'sale' | 'lead' | 'signup'; value: string; category: string }[];
  orders: { value: string; attributed: boolean; products: number }[];
}

/**
 * Seed 004's retailers, within its value ranges (sales 2,000–10,000, leads 500–2,000, signups
 * 100–400, orders 1,000–6,000, about 60 % of orders attributed to the email): 41,500 in all.
 */
export const LAUNCH_RESULTS: Readonly<Record<string, RetailerResult>> = {
  'Betteridge NY': { opened: true, clicked: true, conversions: [{ type: 'sale', value: '4000', category: 'Bracelets' }], orders: [{ value: '3200', attributed: true, products: 2 }] },
  'Tourneau Times Square': { opened: false, clicked: false, conversions: [{ type: 'lead', value: '1500', category: 'Bracelets' }], orders: [] },
  'Manfredi Jewels': { opened: false, clicked: false, conversions: [{ type: 'signup', value: '200', category: 'Rings' }], orders: [{ value: '1000', attributed: false, products: 1 }] },
  'David Yurman Boston': { opened: true, clicked: false, conversions: [{ type: 'lead', value: '800', category: 'Earrings' }], orders: [{ value: '1200', attributed: true, products: 1 }] },
  'Tiffany & Co Fifth Ave': { opened: true, clicked: true, conversions: [{ type: 'sale', value: '3800', category: 'Rings' }], orders: [{ value: '3000', attributed: true, products: 3 }] },
  "Bachendorf's Dallas": { opened: true, clicked: false, conversions: [{ type: 'sale', value: '2500', category: 'Necklaces' }], orders: [] },
  'Mayors Jewelry': { opened: false, clicked: false, conversions: [], orders: [{ value: '1000', attributed: false, products: 1 }] },
  'Fields Jewelers': { opened: false, clicked: false, conversions: [{ type: 'lead', value: '800', category: 'Rings' }], orders: [] },
  'Jewelry Design Center': { opened: false, clicked: false, conversions: [{ type: 'lead', value: '600', category: 'Earrings' }], orders: [] },
  'Luxury Time Chicago': { opened: false, clicked: false, conversions: [{ type: 'lead', value: '1400', category: 'Bracelets' }], orders: [] },
  'Cartier Rodeo Drive': {
    opened: true,
    clicked: true,
    conversions: [{ type: 'sale', value: '4500', category: 'Necklaces' }],
    orders: [
      { value: '2500', attributed: true, products: 2 },
      { value: '1500', attributed: false, products: 1 },
    ],
  },
  'Westime LA': { opened: true, clicked: false, conversions: [{ type: 'sale', value: '2200', category: 'Bracelets' }], orders: [] },
  'Cellini Beverly Hills': { opened: false, clicked: false, conversions: [], orders: [{ value: '1800', attributed: true, products: 2 }] },
  'Shreve & Co': { opened: true, clicked: false, conversions: [{ type: 'sale', value: '2000', category: 'Rings' }], orders: [] },
  'Ben Bridge Jeweler': { opened: false, clicked: false, conversions: [{ type: 'signup', value: '300', category: 'Necklaces' }], orders: [{ value: '1700', attributed: true, products: 1 }] },
};
