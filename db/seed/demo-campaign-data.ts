/**
 * The demo's campaigns, as data. Only states that live in the database alone are seeded (draft,
 * rejected, completed, stopped, cancelled): the others (pending approval, scheduled, sending,
 * paused) belong to a running workflow, which a seed cannot fake without leaving the console a
 * campaign nobody can approve or resume.
 */
import type { CampaignCategory, CampaignChannel, CampaignType } from '../../domain/campaign-rules.ts';
import type { CampaignState } from '../../domain/campaign-states.ts';
import type { CampaignContent, Variant } from '../entities/index.ts';
import { dayAt, lastJanuaryYear, type CompanySpec } from './demo-data.ts';

export interface CampaignSpec {
  key: string;
  name: string;
  description: string;
  type: CampaignType;
  category: CampaignCategory;
  channel: CampaignChannel;
  status: CampaignState;
  start: (asOf: Date) => Date;
  end: (asOf: Date) => Date;
  budget: string;
  /** Booked as spend entries by demo-results.ts; the newsletter's comes from its sends instead. */
  spend: string;
  template: string;
  segment: string;
  content: CampaignContent;
  variants?: Variant[];
  targets?: { audience?: number; conversionRate?: string; roi?: string; leads?: number; conversions?: number };
  /** Budget suffix (demo-data BUDGETS) and amount drawn from the fiscal year of the start. */
  draws: { budget: string; amount: string }[];
  approval?: { decision: 'approved' | 'rejected'; comment: string };
}

const january = (day: number, hour: number) => (asOf: Date) => new Date(Date.UTC(lastJanuaryYear(asOf), 0, day, hour));

export const CAMPAIGNS: Readonly<Record<CompanySpec['key'], CampaignSpec[]>> = {
  acme: [
    {
      key: 'january-sms-blast',
      name: 'January SMS Blast',
      description: 'Seed 003: the new-year SMS offer. Budget 5,000; 120 leads, 12 conversions, 18,000 revenue: ROI 260 %.',
      type: 'promotional',
      category: 'conversion',
      channel: 'sms',
      status: 'completed',
      start: january(5, 15),
      end: january(31, 23),
      budget: '5000',
      spend: '5000',
      template: 'TPL-SMS-PROMO',
      segment: 'sms',
      content: { sms: { body: 'Acme: 20% off everything this week with code JAN20. Reply STOP to opt out.' } },
      targets: { audience: 10_000, conversionRate: '10.00', roi: '250.00', leads: 150, conversions: 15 },
      draws: [{ budget: 'SMS', amount: '5000' }],
    },
    {
      key: 'autumn-newsletter',
      name: 'Autumn Newsletter',
      description: 'Monthly newsletter to the email audience: the sends, opens and clicks are seeded.',
      type: 'newsletter',
      category: 'engagement',
      channel: 'email',
      status: 'completed',
      start: (asOf) => dayAt(asOf, -20, 14),
      end: (asOf) => dayAt(asOf, -13, 14),
      budget: '250',
      spend: '0',
      template: 'TPL-NEWS',
      segment: 'email',
      content: { email: { subject: 'Autumn at Acme', html: '<h1>Autumn at Acme</h1><p>Hello {{ first_name }},</p><a href="https://acme.example/autumn">Shop</a>' } },
      draws: [{ budget: 'MKT', amount: '250' }],
    },
    {
      key: 'dealer-loyalty',
      name: 'Dealer Loyalty WhatsApp',
      description: 'Seed 002: reward dealers who have completed more than 100 MT of lifting. Above the approval threshold.',
      type: 'loyalty',
      category: 'retention',
      channel: 'whatsapp',
      status: 'draft',
      start: (asOf) => dayAt(asOf, 14, 10),
      end: (asOf) => dayAt(asOf, 28, 10),
      budget: '12000',
      spend: '0',
      template: 'TPL-WA-LOYALTY',
      segment: 'dealers',
      content: { whatsapp: { body: 'Thank you for {{ lifting_mt }} MT this year! Your loyalty bonus is ready.', templateName: 'loyalty_reward' } },
      draws: [{ budget: 'SMS', amount: '12000' }],
    },
    {
      key: 'holiday-gift-guide',
      name: 'Holiday Gift Guide',
      description: 'Gift guide for gold and platinum members; sent back by the approver.',
      type: 'seasonal',
      category: 'conversion',
      channel: 'email',
      status: 'rejected',
      start: (asOf) => dayAt(asOf, 25, 13),
      end: (asOf) => dayAt(asOf, 45, 13),
      budget: '25000',
      spend: '0',
      template: 'TPL-NEWS',
      segment: 'vip',
      content: { email: { subject: 'Your holiday gift guide', html: '<h1>Gifts they will love</h1>' } },
      draws: [{ budget: 'MKT', amount: '25000' }],
      approval: { decision: 'rejected', comment: "Above this quarter's plan: split it into two waves of at most 12,500." },
    },
    {
      key: 'flash-sale-push',
      name: 'Flash Sale Push',
      description: 'A four-hour push offer, cancelled before it started.',
      type: 'promotional',
      category: 'conversion',
      channel: 'push',
      status: 'cancelled',
      start: (asOf) => dayAt(asOf, -5, 16),
      end: (asOf) => dayAt(asOf, -5, 20),
      budget: '300',
      spend: '0',
      template: 'TPL-PUSH',
      segment: 'recent',
      content: { push: { title: 'Flash sale', body: '30% off outerwear for the next 4 hours' } },
      draws: [{ budget: 'MKT', amount: '300' }],
    },
    {
      key: 'spring-sale-preview',
      name: 'Spring Sale Preview',
      description: 'Early access for gold and platinum members, with an A/B test of the subject line.',
      type: 'promotional',
      category: 'acquisition',
      channel: 'email',
      status: 'draft',
      start: (asOf) => dayAt(asOf, 60, 14),
      end: (asOf) => dayAt(asOf, 74, 14),
      budget: '8000',
      spend: '0',
      template: 'TPL-NEWS',
      segment: 'vip',
      content: { email: { subject: 'Spring preview: early access', html: '<h1>Spring is here early</h1>' } },
      variants: [
        { key: 'A', split: 50, content: { email: { subject: 'Spring preview: early access', html: '<h1>Spring is here early</h1>' } } },
        { key: 'B', split: 50, content: { email: { subject: '48 hours before everyone else', html: '<h1>Spring is here early</h1>' } } },
      ],
      targets: { conversionRate: '3.50', roi: '150.00', conversions: 300 },
      draws: [{ budget: 'MKT', amount: '8000' }],
    },
  ],
  aurelia: [
    {
      key: 'new-collection-launch',
      name: 'New Collection Launch',
      description: "Seed 004's luxury launch to the fifteen retailers: 75,000 allocated, 33,500 spent, 41,500 revenue (ROI 23.9 %).",
      type: 'product_launch',
      category: 'awareness',
      channel: 'email',
      status: 'completed',
      start: (asOf) => dayAt(asOf, -60, 14),
      end: (asOf) => dayAt(asOf, -29, 14),
      budget: '75000',
      spend: '33500',
      template: 'TPL-LAUNCH',
      segment: 'retailers',
      content: { email: { subject: 'Introducing the New Collection', html: '<h1>The New Collection</h1><a href="https://aurelia.example/new">Discover</a>' } },
      targets: { audience: 15, roi: '100.00', conversions: 10 },
      draws: [
        { budget: 'BRAND', amount: '50000' },
        { budget: 'RETAIL', amount: '25000' },
      ],
      approval: { decision: 'approved', comment: 'Approved for the launch window.' },
    },
    {
      key: 'spring-collection-preview',
      name: 'Spring Collection Preview',
      description: 'Seed 004: 45,000 allocated, 42,000 spent.',
      type: 'product_launch',
      category: 'awareness',
      channel: 'email',
      status: 'completed',
      start: (asOf) => dayAt(asOf, -200, 14),
      end: (asOf) => dayAt(asOf, -170, 14),
      budget: '45000',
      spend: '42000',
      template: 'TPL-LAUNCH',
      segment: 'retailers',
      content: { email: { subject: 'A first look at Spring', html: '<h1>Spring preview</h1>' } },
      draws: [{ budget: 'BRAND', amount: '45000' }],
      approval: { decision: 'approved', comment: 'Approved.' },
    },
    {
      key: 'holiday-luxury',
      name: 'Holiday Luxury Campaign',
      description: 'Seed 004 (paused there): 120,000 allocated, 85,000 spent, stopped early.',
      type: 'seasonal',
      category: 'conversion',
      channel: 'email',
      status: 'stopped',
      start: (asOf) => dayAt(asOf, -40, 14),
      end: (asOf) => dayAt(asOf, 20, 14),
      budget: '120000',
      spend: '85000',
      template: 'TPL-RETAIL',
      segment: 'retailers',
      content: { email: { subject: 'Holiday pricing for our retailers', html: '<p>Dear {{ retailer_name }},</p>' } },
      draws: [{ budget: 'BRAND', amount: '120000' }],
      approval: { decision: 'approved', comment: 'Approved; watch the spend against the co-op budget.' },
    },
    {
      key: 'summer-elegance',
      name: 'Summer Elegance',
      description: 'Seed 004: 60,000 allocated, nothing spent yet.',
      type: 'seasonal',
      category: 'awareness',
      channel: 'email',
      status: 'draft',
      start: (asOf) => dayAt(asOf, 150, 14),
      end: (asOf) => dayAt(asOf, 180, 14),
      budget: '60000',
      spend: '0',
      template: 'TPL-LAUNCH',
      segment: 'vip',
      content: { email: { subject: 'Summer Elegance', html: '<h1>Summer Elegance</h1>' } },
      draws: [{ budget: 'BRAND', amount: '60000' }],
    },
  ],
};
