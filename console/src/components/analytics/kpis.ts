/** The dashboard's KPI cards (seed 000): what each shows, how it is written, and where it drills to. */
import type { KpiKind } from './format.ts';
import type { Kpis } from './types.ts';

export interface KpiDef {
  key: keyof Kpis;
  label: string;
  kind: KpiKind;
  /** Whether a rise is good news (false for spend: more spent is not better by itself). */
  upIsGood: boolean | null;
  /** The campaign overview's sort when drilling down from this card. */
  sort: 'roi' | 'revenue' | 'name' | 'start';
}

export const KPIS: readonly KpiDef[] = [
  { key: 'activeCampaigns', label: 'Active campaigns', kind: 'count', upIsGood: null, sort: 'start' },
  { key: 'sent', label: 'Messages sent', kind: 'count', upIsGood: null, sort: 'start' },
  { key: 'deliveryRate', label: 'Delivery rate', kind: 'rate', upIsGood: true, sort: 'start' },
  { key: 'openRate', label: 'Open rate', kind: 'rate', upIsGood: true, sort: 'start' },
  { key: 'clickRate', label: 'Click rate', kind: 'rate', upIsGood: true, sort: 'start' },
  { key: 'leads', label: 'Leads', kind: 'count', upIsGood: true, sort: 'revenue' },
  { key: 'conversions', label: 'Conversions', kind: 'count', upIsGood: true, sort: 'revenue' },
  { key: 'revenue', label: 'Revenue', kind: 'money', upIsGood: true, sort: 'revenue' },
  { key: 'spend', label: 'Spend', kind: 'money', upIsGood: null, sort: 'revenue' },
  { key: 'roiPercent', label: 'ROI', kind: 'rate', upIsGood: true, sort: 'roi' },
];
