/**
 * Renders one scheduled report and e-mails it through the email channel with its attachments:
 * the dashboard KPIs and the campaign table as CSV (overview), or a campaign's PDF report with its
 * daily figures as CSV (campaign). The figures are the analytics API's own views, computed with the
 * recipient's role (no retailer names without pii:read). Each period goes out once: the delivery
 * row, unique per subscription and period, is claimed before sending and a retry of a sent period
 * returns without sending.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { campaignView } from '../api/analytics/campaign.ts';
import { campaignReportPdf } from '../api/analytics/pdf.ts';
import { rangeOf, todayIn, type AnalyticsQueryInput } from '../api/analytics/query.ts';
import type { Scope } from '../api/analytics/scope.ts';
import { csvOf, tableOf } from '../api/analytics/tables.ts';
import { summaryView } from '../api/analytics/views.ts';
import { currencyExponent } from '../domain/currency.ts';
import { can, type Role } from '../domain/permissions.ts';
import { reportPeriod, type ReportFrequency, type ReportKind } from '../domain/report-schedule.ts';
import { escapeHtml } from '../api/tracking/pages.ts';
import type { ChannelRegistry } from './send-batch.ts';
import type { ReportInput, ReportResult } from './campaign-types.ts';

interface Sub {
  id: string;
  company_id: string;
  name: string;
  kind: ReportKind;
  frequency: ReportFrequency;
  campaign_id: string | null;
  filters: Record<string, string[]>;
  email: string;
  user_name: string;
  role: Role;
  active: boolean;
  company_name: string;
  currency: string;
  time_zone: string;
}

export function createReportActivities(orm: MikroORM, channels: ChannelRegistry, opts: { from: string; publicUrl: string }) {
  const knex = () => orm.em.getKnex();

  async function sendReport(input: ReportInput): Promise<ReportResult> {
    const sub = (
      await knex().raw<{ rows: Sub[] }>(
        `select s.id, s.company_id, s.name, s.kind, s.frequency, s.campaign_id, s.filters, u.email, u.name as user_name, u.role, u.active,
                co.name as company_name, co.currency, co.time_zone
           from report_subscriptions s join users u on u.id = s.user_id join companies co on co.id = s.company_id
          where s.id = ?`,
        [input.subscriptionId],
      )
    ).rows[0];
    if (!sub) return { outcome: 'gone' };
    if (!sub.active) return { outcome: 'recipient_inactive' };
    const today = todayIn(sub.time_zone, new Date(input.asOf));
    const period = reportPeriod(sub.frequency, today);
    const claim = await knex().raw<{ rows: { status: string }[] }>(
      `insert into report_deliveries (company_id, subscription_id, period_from, period_to) values (?, ?, ?, ?)
       on conflict (subscription_id, period_from) do update set status = case when report_deliveries.status = 'sent' then 'sent' else 'sending' end, error = null
       returning status`,
      [sub.company_id, sub.id, period.from, period.to],
    );
    if (claim.rows[0]!.status === 'sent') return { outcome: 'already_sent', period };

    const query: AnalyticsQueryInput = {
      from: period.from,
      to: period.to,
      ...(sub.filters.channel?.length ? { channel: sub.filters.channel as AnalyticsQueryInput['channel'] } : {}),
      ...(sub.filters.region?.length ? { region: sub.filters.region } : {}),
      ...(sub.filters.team?.length ? { team: sub.filters.team } : {}),
      ...(sub.campaign_id ? { campaign: [sub.campaign_id] } : {}),
    };
    const scope: Scope = {
      sql: knex(),
      companyId: sub.company_id,
      currency: sub.currency,
      exponent: currencyExponent(sub.currency),
      timeZone: sub.time_zone,
      range: rangeOf({ from: period.from, to: period.to }, today),
      query,
      pii: can(sub.role, 'pii:read'),
    };
    const range = `${period.from} to ${period.to}`;
    const attachments: { filename: string; contentType: string; content: Buffer }[] = [];
    let lines: [string, string][] = [];
    if (sub.kind === 'overview') {
      const summary = await summaryView(scope);
      const k = summary.kpis;
      const show = (v: { value: unknown }) => (v.value === null || v.value === undefined ? '—' : String(v.value));
      lines = [
        ['Sent', show(k.sent)],
        ['Delivery rate %', show(k.deliveryRate)],
        ['Open rate %', show(k.openRate)],
        ['Click rate %', show(k.clickRate)],
        ['Leads', show(k.leads)],
        ['Conversions', show(k.conversions)],
        [`Revenue (${sub.currency})`, show(k.revenue)],
        [`Spend (${sub.currency})`, show(k.spend)],
        ['ROI %', show(k.roiPercent)],
      ];
      attachments.push({ filename: `summary-${period.from}.csv`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(csvOf(await tableOf(scope, 'summary', 'day'))) });
      attachments.push({ filename: `campaigns-${period.from}.csv`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(csvOf(await tableOf(scope, 'campaigns', 'day'))) });
    } else {
      const view = await campaignView(scope, sub.campaign_id!);
      const m = view.metrics;
      lines = [
        ['Campaign', `${view.campaign.name} (${view.campaign.code})`],
        [`Revenue (${sub.currency})`, m.money.revenue ?? '—'],
        [`Cost (${sub.currency})`, m.money.cost ?? '—'],
        ['ROI %', m.money.roiPercent === null ? '—' : String(m.money.roiPercent)],
        ['Leads', String(m.counts.leads)],
        ['Conversions', String(m.counts.conversions)],
      ];
      attachments.push({ filename: `campaign-${view.campaign.code}-${period.from}.pdf`, contentType: 'application/pdf', content: await campaignReportPdf(view, new Date(input.asOf)) });
      attachments.push({ filename: `campaign-${view.campaign.code}-daily-${period.from}.csv`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(csvOf(await tableOf(scope, 'campaign-daily', 'day'))) });
    }
    const title = `${sub.name}: ${range}`;
    const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h1 style="font-size:18px">${escapeHtml(title)}</h1>
<p>${escapeHtml(sub.company_name)} · ${sub.frequency === 'weekly' ? 'weekly' : 'monthly'} report for ${escapeHtml(sub.user_name)}</p>
<table cellpadding="4">${lines.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td align="right"><strong>${escapeHtml(v)}</strong></td></tr>`).join('')}</table>
<p>The attached files hold the full tables. <a href="${escapeHtml(opts.publicUrl)}/analytics">Open the dashboard</a> · manage your report subscriptions in Herald.</p>
</body></html>`;
    const text = `${title}\n\n${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\nThe attached files hold the full tables.`;
    const result = await channels.get('email').send({
      channel: 'email',
      idempotencyKey: `report-${sub.id}-${period.from}`,
      to: sub.email,
      from: { name: 'Herald Reports', address: opts.from },
      subject: title,
      html,
      text,
      attachments,
    });
    if (result.kind === 'accepted') {
      await knex().raw(`update report_deliveries set status = 'sent', sent_at = now() where subscription_id = ? and period_from = ?`, [sub.id, period.from]);
      return { outcome: 'sent', period, attachments: attachments.map((a) => a.filename) };
    }
    await knex().raw(`update report_deliveries set status = 'failed', error = ? where subscription_id = ? and period_from = ?`, [`${result.code}: ${result.message}`, sub.id, period.from]);
    // A relay hiccup is retried by the workflow's retry policy; a refused address is not.
    if (result.kind === 'retryable') throw new Error(`report e-mail not accepted (${result.code}): ${result.message}`);
    return { outcome: 'refused', period };
  }

  return { sendReport };
}
