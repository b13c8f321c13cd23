/**
 * The campaign report as a PDF (pdfkit, standard Helvetica: no font files to ship). It holds what the
 * campaign page shows in figures: key metrics, the financial table, targets, e-mail metrics, both
 * funnels and the busiest days. Money and rates are written plainly with the currency code, since a
 * report is read outside the console's locale.
 */
import PDFDocument from 'pdfkit';
import type { campaignView } from './campaign.ts';

type View = Awaited<ReturnType<typeof campaignView>>;

const pct = (v: number | null, dp = 1) => (v === null ? 'n/a' : `${v.toFixed(dp)} %`);
const cur = (v: string | null, currency: string) => (v === null ? 'n/a' : `${v} ${currency}`);

export function campaignReportPdf(v: View, generatedAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `Campaign report: ${v.campaign.name}`, Author: 'Herald' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text(text).moveDown(0.3).font('Helvetica').fontSize(10);
  const rows = (pairs: [string, string][]) => {
    for (const [k, val] of pairs) {
      const y = doc.y;
      doc.text(k, 48, y, { width: 250 });
      doc.text(val, 300, y, { width: 247, align: 'right' });
    }
  };

  const c = v.currency;
  const m = v.metrics;
  doc.font('Helvetica-Bold').fontSize(18).text(v.campaign.name);
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(`${v.campaign.code} · ${v.campaign.channel} · ${v.campaign.status}`)
    .text(`Period: ${v.range ? `${v.range.from} to ${v.range.to}` : `${v.campaign.startAt.slice(0, 10)} onwards (all recorded activity)`}`)
    .text(`Generated ${generatedAt.toISOString()}`);

  heading('Key metrics');
  rows([
    ['Leads', String(v.keyMetrics.leads)],
    ['Conversions', String(v.keyMetrics.conversions)],
    ['Conversion rate (conversions / leads)', pct(v.keyMetrics.leadConversionRate)],
    ['Cost per lead', cur(v.keyMetrics.costPerLead, c)],
    ['ROI', pct(v.keyMetrics.roiPercent)],
    ['Performance tier', m.money.tier ?? 'not rated (no cost)'],
  ]);

  heading('Financial');
  rows([
    ['Budget', cur(v.financial.budget, c)],
    ['Spent', cur(v.financial.spent, c)],
    ['Budget used', pct(v.financial.budgetUsedPercent)],
    ['Revenue', cur(v.financial.revenue, c)],
    ['Net profit', cur(v.financial.netProfit, c)],
    ['Profit margin', pct(v.financial.marginPercent)],
    ['Cost per conversion', cur(v.financial.costPerConversion, c)],
    ['Average order value', cur(v.financial.averageOrderValue, c)],
    ['Break-even revenue', cur(v.financial.breakEven.revenue, c)],
    ['Break-even conversions', v.financial.breakEven.conversions === null ? 'n/a' : String(v.financial.breakEven.conversions)],
  ]);

  heading('Target vs actual');
  rows(v.targets.map((t): [string, string] => [t.metric, `${t.actual ?? 'n/a'} of ${t.target ?? 'no target'} (${pct(t.achievementPercent)})`]));

  heading('E-mail and engagement');
  rows([
    ['Sent / delivered', `${m.counts.sent} / ${m.counts.delivered}`],
    ['Delivery rate', pct(m.engagement.deliveryRate, 2)],
    ['Open rate', pct(m.engagement.openRate, 2)],
    ['Click rate', pct(m.engagement.clickRate, 2)],
    ['Click-to-open rate', pct(m.engagement.clickToOpenRate, 2)],
    ['Bounce / unsubscribe / complaint rate', `${pct(m.engagement.bounceRate, 2)} / ${pct(m.engagement.unsubscribeRate, 2)} / ${pct(m.engagement.complaintRate, 2)}`],
    ['Click-through rate (clicks / impressions)', pct(m.engagement.ctr, 2)],
  ]);

  for (const f of [v.funnels.journey, v.funnels.performance]) {
    heading(f.name === 'journey' ? 'Funnel: awareness to conversion' : 'Funnel: impressions to conversions');
    rows(f.stages.map((s): [string, string] => [s.key, `${s.count}${s.rateFromPrevious === null ? '' : ` (${pct(s.rateFromPrevious, 2)} of previous)`}`]));
    rows([
      ['Overall efficiency', pct(f.overallEfficiency, 2)],
      ['Bottleneck', f.bottleneck ? `${f.bottleneck.stage} (${pct(f.bottleneck.rateFromPrevious, 2)})` : 'n/a'],
    ]);
  }

  const busiest = [...v.daily].filter((d) => d.metrics.counts.sent + d.metrics.counts.leads + d.metrics.counts.conversions > 0).slice(-14);
  if (busiest.length > 0) {
    heading('Daily activity (last 14 active days)');
    rows(busiest.map((d): [string, string] => [d.day ?? '', `sent ${d.metrics.counts.sent}, leads ${d.metrics.counts.leads}, conversions ${d.metrics.counts.conversions}, revenue ${d.metrics.money.revenue} ${c}`]));
  }

  doc.end();
  return done;
}
