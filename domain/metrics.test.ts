import { describe, expect, it } from 'vitest';
import {
  compareCampaigns,
  compareChannels,
  conversionRates,
  emptyTotals,
  engagementRates,
  journeyFunnel,
  metricsOf,
  moneyMetrics,
  performanceFunnel,
  recommend,
  sumTotals,
  targetsVsActual,
  type CampaignFigures,
  type Totals,
} from './metrics.ts';

const totals = (over: Partial<Totals>): Totals => ({ ...emptyTotals(), ...over });

/** Seed 003's "January SMS Blast": 5 000 spent, 120 leads, 12 conversions worth 18 000 in all. */
const january = totals({ impressions: 10_000, clicks: 500, leads: 120, qualifiedLeads: 30, conversions: 12, conversionRevenue: '18000.0000', revenue: '18000.0000', cost: '5000.0000' });

describe("seed 003's worked example", () => {
  it('gives conversion rate 10.0 %, CPL 41.67, ROI 260.0 % and margin 72.2 % exactly', () => {
    const m = moneyMetrics(january, 2);
    expect(conversionRates(january).leadConversionRate).toBe(10);
    expect(m.costPerLead).toBe('41.67');
    expect(m.roiPercent).toBe(260);
    expect(m.marginPercent).toBe(72.2);
    expect(m.roiMultiple).toBe(2.6);
    expect(m.netProfit).toBe('13000.00');
    expect(m.costPerConversion).toBe('416.67');
    expect(m.revenuePerConversion).toBe('1500.00');
    expect(m.tier).toBe('High');
  });

  it('puts break-even at the cost: 5 000 of revenue, 4 conversions at 1 500 each (3.33 rounded up)', () => {
    const m = moneyMetrics(january, 2);
    expect(m.breakEven).toEqual({ revenue: '5000.00', remainingRevenue: '0.00', conversions: 4 });
    const short = moneyMetrics(totals({ conversions: 2, revenue: '3000', conversionRevenue: '3000', cost: '5000' }), 2);
    expect(short.breakEven).toEqual({ revenue: '5000.00', remainingRevenue: '2000.00', conversions: 4 });
  });

  it('measures the targets as the seed does: leads 120/150 = 80 %, conversions 12/15 = 80 %, ROI 260 %/250 % = 104 %', () => {
    const lines = targetsVsActual(january, { leads: 150, conversions: 15, roiPercent: '250.00' });
    expect(lines).toEqual([
      { metric: 'leads', target: 150, actual: 120, achievementPercent: 80, achieved: false },
      { metric: 'conversions', target: 15, actual: 12, achievementPercent: 80, achieved: false },
      { metric: 'roi', target: 250, actual: 260, achievementPercent: 104, achieved: true },
    ]);
  });

  it('leaves achievement unknown where no target was set', () => {
    const [leads, , roi] = targetsVsActual(january, { leads: 0, conversions: 15, roiPercent: '0' });
    expect(leads).toMatchObject({ target: null, achievementPercent: null, achieved: null });
    expect(roi).toMatchObject({ target: null, actual: 260, achievementPercent: null });
  });

  it('runs its five-stage funnel 10 000 → 500 → 120 → 30 → 12 with interest as the bottleneck', () => {
    const f = journeyFunnel([{ channel: 'sms', ...january, sent: 0, delivered: 0, uniqueClicks: 0 }]);
    expect(f.stages.map((s) => [s.key, s.count, s.rateFromPrevious])).toEqual([
      ['awareness', 10_000, null],
      ['interest', 500, 5],
      ['consideration', 120, 24],
      ['intent', 30, 25],
      ['conversion', 12, 40],
    ]);
    expect(f.stages[1]).toMatchObject({ dropOff: 9_500, dropOffPercent: 95 });
    expect(f.overallEfficiency).toBe(0.12);
    expect(f.bottleneck).toEqual({ stage: 'interest', rateFromPrevious: 5 });
  });
});

describe("seed 004's trap", () => {
  it('gives its campaign ROI 23.9 % and the Standard tier, not the printed "124 %" and "High ROI"', () => {
    const launch = totals({ conversionRevenue: '34100', orderRevenue: '7400', revenue: '41500', cost: '33500', orders: 11, conversions: 14 });
    const m = moneyMetrics(launch, 2);
    expect(m.roiPercent).toBe(23.9);
    expect(m.tier).toBe('Standard');
    expect(m.netProfit).toBe('8000.00');
    expect(m.averageOrderValue).toBe('672.73');
  });

  it('sums each fact table on its own: many sends and a few conversions keep the conversions’ revenue', () => {
    // 27 000 sends in 1 000-row slices and three conversions in another: revenue is the three, once.
    const slices = Array.from({ length: 27 }, () => totals({ sent: 1_000, delivered: 980 }));
    const sum = sumTotals([...slices, totals({ conversions: 3, conversionRevenue: '8500.00', revenue: '8500.00' })]);
    expect(sum.sent).toBe(27_000);
    expect(moneyMetrics(sum, 2).revenue).toBe('8500.00');
  });
});

describe('zero denominators', () => {
  it('gives null for every rate of an empty campaign, never 0 or NaN', () => {
    const m = metricsOf(emptyTotals(), 2);
    for (const v of [...Object.values(m.engagement), ...Object.values(m.conversion)]) expect(v).toBeNull();
    expect(m.money).toMatchObject({ roiPercent: null, roiMultiple: null, marginPercent: null, costPerLead: null, costPerConversion: null, averageOrderValue: null, tier: null });
    expect(m.money.breakEven.conversions).toBeNull();
    expect(m.money.revenue).toBe('0.00');
  });

  it('gives a margin but no ROI when revenue came in without any cost', () => {
    const m = moneyMetrics(totals({ revenue: '100', conversionRevenue: '100' }), 2);
    expect(m.roiPercent).toBeNull();
    expect(m.marginPercent).toBe(100);
    expect(m.tier).toBeNull();
  });
});

describe('e-mail rates', () => {
  it('divides by what each rate is defined over', () => {
    const r = engagementRates(totals({ sent: 27_037, delivered: 26_496, uniqueOpens: 11_393, opens: 19_000, uniqueClicks: 848, clicks: 1_300, bounces: 541, unsubscribes: 27, complaints: 3 }));
    expect(r.deliveryRate).toBe(98); // 26 496 / 27 037 = 97.999 %
    expect(r.openRate).toBe(43); // 11 393 / 26 496 = 42.999 %
    expect(r.clickRate).toBe(3.2); // 848 / 26 496 = 3.2005 %
    expect(r.clickToOpenRate).toBe(7.44);
    expect(r.bounceRate).toBe(2);
    expect(r.unsubscribeRate).toBe(0.1);
    expect(r.complaintRate).toBe(0.01);
    expect(r.ctr).toBeNull();
  });

  it('gives CTR only where impressions exist', () => {
    expect(engagementRates(totals({ impressions: 8_000, clicks: 200 })).ctr).toBe(2.5);
  });
});

describe('money without float drift', () => {
  it('adds 0.1 and 0.2 to 0.30 and rounds each quotient once, half away from zero', () => {
    const sum = sumTotals([totals({ cost: '0.1' }), totals({ cost: '0.2' })]);
    expect(sum.cost).toBe('0.3000');
    expect(moneyMetrics(totals({ cost: '100', leads: 3 }), 2).costPerLead).toBe('33.33');
    expect(moneyMetrics(totals({ cost: '0.125', leads: 1 }), 2).costPerLead).toBe('0.13');
    expect(moneyMetrics(totals({ cost: '-0.125', revenue: '0' }), 2).netProfit).toBe('0.13');
  });

  it('rounds to the currency’s minor unit', () => {
    expect(moneyMetrics(totals({ cost: '5000', leads: 120 }), 0).costPerLead).toBe('42');
    expect(moneyMetrics(totals({ cost: '5000', leads: 120 }), 3).costPerLead).toBe('41.667');
  });

  it('keeps amounts past 2^53 exact', () => {
    const big = sumTotals([totals({ revenue: '90071992547409.9301' }), totals({ revenue: '0.0001' })]);
    expect(big.revenue).toBe('90071992547409.9302');
  });

  it('rates the tier on the exact ROI, not the rounded one', () => {
    const tier = (revenue: string) => moneyMetrics(totals({ revenue, cost: '10000' }), 2);
    expect(tier('20000').tier).toBe('High'); // exactly 100 %
    expect(tier('19999.99')).toMatchObject({ roiPercent: 100, tier: 'Good' }); // 99.9999 % shows as 100.0 but is not High
    expect(tier('15000').tier).toBe('Good');
    expect(tier('14999.99').tier).toBe('Standard');
    expect(tier('5000')).toMatchObject({ roiPercent: -50, tier: 'Standard' });
  });
});

describe('funnels over a mix of channels', () => {
  it('counts sends as impressions and deliveries as reach for a message channel, and reported figures for a tracked one', () => {
    const email = { channel: 'email', ...totals({ sent: 1_000, delivered: 950, uniqueClicks: 40, clicks: 70, leads: 10, opportunities: 4, conversions: 2 }) };
    const ads = { channel: 'paid_ads', ...totals({ impressions: 20_000, reach: 12_000, clicks: 300, leads: 30, opportunities: 6, conversions: 3 }) };
    const f = performanceFunnel([email, ads]);
    expect(f.stages.map((s) => s.count)).toEqual([21_000, 12_950, 340, 40, 10, 5]);
    expect(f.overallEfficiency).toBe(0.02);
    // reach → engagement: 340 / 12 950 = 2.63 %, the lowest stage rate.
    expect(f.bottleneck).toEqual({ stage: 'engagement', rateFromPrevious: 2.63 });
  });

  it('skips a stage nothing records instead of naming it the bottleneck', () => {
    // A sent campaign whose CRM reports leads and deals but no opportunities.
    const f = performanceFunnel([{ channel: 'email', ...totals({ sent: 1_000, delivered: 950, uniqueClicks: 50, leads: 10, conversions: 2 }) }]);
    expect(f.stages.map((s) => [s.key, s.recorded, s.rateFromPrevious])).toEqual([
      ['impressions', true, null],
      ['reach', true, 95],
      ['engagement', true, 5.26],
      ['leads', true, 20],
      ['opportunities', false, null],
      ['conversions', true, 20],
    ]);
    expect(f.bottleneck).toEqual({ stage: 'engagement', rateFromPrevious: 5.26 });
  });

  it('stops rating after an empty stage instead of dividing by zero', () => {
    const f = performanceFunnel([{ channel: 'email', ...totals({ sent: 10, delivered: 10 }) }]);
    expect(f.stages.map((s) => s.rateFromPrevious)).toEqual([null, 100, 0, null, null, null]);
    expect(f.bottleneck).toEqual({ stage: 'engagement', rateFromPrevious: 0 });
  });
});

describe('comparisons and recommendations', () => {
  const fig = (campaignId: string, channel: string, t: Partial<Totals>): CampaignFigures => ({ campaignId, name: campaignId, channel, totals: totals(t) });
  const campaigns = [
    fig('sms-blast', 'sms', { leads: 120, conversions: 12, revenue: '18000', cost: '5000', delivered: 9_850 }),
    fig('luxury', 'email', { leads: 40, conversions: 14, revenue: '41500', cost: '33500', delivered: 26_496 }),
    fig('flop', 'email', { leads: 50, conversions: 1, revenue: '1000', cost: '4000', delivered: 2_000, complaints: 9 }),
    fig('untracked', 'push', { leads: 0 }),
  ];
  const channels = [
    { channel: 'sms', totals: campaigns[0]!.totals },
    { channel: 'email', totals: sumTotals([campaigns[1]!.totals, campaigns[2]!.totals]) },
  ];

  it('compares channels by leads, pooled and average ROI and cost per lead', () => {
    const [sms, email] = compareChannels(channels, campaigns, 2);
    expect(email).toMatchObject({ channel: 'email', campaigns: 2, leads: 90, roiPercent: 13.3, costPerLead: '416.67' });
    // Mean of 23.88 % and −75 % = −25.56 %.
    expect(email!.averageRoiPercent).toBe(-25.6);
    expect(sms).toMatchObject({ channel: 'sms', leads: 120, roiPercent: 260, averageRoiPercent: 260, costPerLead: '41.67' });
  });

  it('ranks by ROI, conversion rate and cost efficiency, leaving unknowns unranked at the end', () => {
    const { rankings, flags } = compareCampaigns(campaigns, 2);
    expect(rankings.roi.map((e) => [e.campaignId, e.rank, e.value])).toEqual([
      ['sms-blast', 1, 260],
      ['luxury', 2, 23.9],
      ['flop', 3, -75],
      ['untracked', null, null],
    ]);
    expect(rankings.conversionRate.map((e) => e.campaignId)).toEqual(['luxury', 'sms-blast', 'flop', 'untracked']);
    expect(rankings.costEfficiency.map((e) => [e.campaignId, e.value])).toEqual([
      ['sms-blast', '41.67'],
      ['flop', '80.00'],
      ['luxury', '837.50'],
      ['untracked', null],
    ]);
    const byId = Object.fromEntries(flags.map((f) => [f.campaignId, f]));
    expect(byId['sms-blast']).toMatchObject({ best: true, underperformer: false });
    expect(byId['luxury']).toMatchObject({ best: false, underperformer: false });
    expect(byId['flop']).toMatchObject({ best: false, underperformer: true, reasons: ['roi_negative', 'low_conversion'] });
  });

  it('recommends with the figures that triggered each recommendation', () => {
    const recs = recommend(campaigns, compareChannels(channels, campaigns, 2), 2);
    expect(recs).toContainEqual({
      kind: 'pause_complaints',
      priority: 'high',
      campaignId: 'flop',
      channel: 'email',
      figures: { complaints: 9, delivered: 2_000, complaintRate: 0.45, thresholdPercent: 0.3 },
    });
    expect(recs).toContainEqual({
      kind: 'negative_roi',
      priority: 'high',
      campaignId: 'flop',
      channel: 'email',
      figures: { roiPercent: -75, revenue: '1000.00', cost: '4000.00', netProfit: '-3000.00' },
    });
    expect(recs).toContainEqual({
      kind: 'scale_winner',
      priority: 'medium',
      campaignId: 'sms-blast',
      channel: 'sms',
      figures: { roiPercent: 260, portfolioRoiPercent: 42.4, leadConversionRate: 10 },
    });
    expect(recs).toContainEqual({
      kind: 'reallocate_budget',
      priority: 'medium',
      campaignId: null,
      channel: 'sms',
      figures: { fromChannel: 'email', fromRoiPercent: 13.3, fromCost: '37500.00', toChannel: 'sms', toRoiPercent: 260, gapPoints: 246.7 },
    });
    expect(recs).toHaveLength(4);
    expect(recs.slice(0, 2).every((r) => r.priority === 'high')).toBe(true);
  });

  it('stays quiet below the complaint threshold and when channels are close', () => {
    const calm = [fig('a', 'email', { delivered: 10_000, complaints: 30, revenue: '130', cost: '100', leads: 10, conversions: 1 }), fig('b', 'sms', { revenue: '120', cost: '100', leads: 10, conversions: 1 })];
    const ch = calm.map((c) => ({ channel: c.channel, totals: c.totals }));
    expect(recommend(calm, compareChannels(ch, calm, 2), 2)).toEqual([]);
  });
});

describe('averages over many campaigns', () => {
  it('averages a thousand unrelated ROIs to the 1-place figure a float mean gives (an exact common denominator took 30 s)', () => {
    const figures: CampaignFigures[] = Array.from({ length: 1_000 }, (_, i) => ({
      campaignId: `c${i}`,
      name: `c${i}`,
      channel: 'email',
      // Costs 1 000.0001 … 1 999.0001 (pairwise unrelated denominators); revenue 1 500 each.
      totals: totals({ leads: 1, revenue: '1500', cost: `${1000 + i}.0001` }),
    }));
    const [email] = compareChannels([{ channel: 'email', totals: sumTotals(figures.map((f) => f.totals)) }], figures, 2);
    const expected = figures.reduce((acc, f) => acc + (1500 - Number(f.totals.cost)) / Number(f.totals.cost), 0) / 1_000;
    expect(email!.averageRoiPercent).toBe(Math.round(expected * 1000) / 10);
  });
});
