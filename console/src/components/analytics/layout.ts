/**
 * The dashboard's widget layout: an ordered list of widgets, each with a width in twelfths of the
 * row. Every edit returns a new layout (the editor replaces it whole and saves it); widths snap to
 * the sizes offered so a saved layout from another device always fits.
 */
import { DASHBOARD_WIDGETS, DASHBOARD_WIDTHS } from '../../../../domain/dashboard-layout.ts';

export const WIDGET_IDS = DASHBOARD_WIDGETS;
export type WidgetId = (typeof WIDGET_IDS)[number];

export const WIDTHS = DASHBOARD_WIDTHS;
export type Width = (typeof WIDTHS)[number];

export interface LayoutItem {
  id: WidgetId;
  w: Width;
}
export type Layout = LayoutItem[];

export const WIDGET_TITLES: Record<WidgetId, string> = {
  kpis: 'Key figures',
  trends: 'Trends over time',
  channels: 'Channel comparison',
  performers: 'Top performers and underperformers',
  recommendations: 'Recommendations',
  heatmap: 'Engagement by weekday and hour',
};

export const DEFAULT_LAYOUT: Layout = [
  { id: 'kpis', w: 12 },
  { id: 'trends', w: 8 },
  { id: 'recommendations', w: 4 },
  { id: 'channels', w: 6 },
  { id: 'performers', w: 6 },
  { id: 'heatmap', w: 12 },
];

/** `layout` with the item at `index` moved by `by` places (clamped to the ends). */
export function move(layout: Layout, index: number, by: number): Layout {
  const to = Math.max(0, Math.min(layout.length - 1, index + by));
  if (index < 0 || index >= layout.length || to === index) return layout;
  const next = [...layout];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

/** `layout` with `id` dropped onto the place of `target` (drag and drop). */
export function moveTo(layout: Layout, id: WidgetId, target: WidgetId): Layout {
  const from = layout.findIndex((i) => i.id === id);
  const to = layout.findIndex((i) => i.id === target);
  return from < 0 || to < 0 ? layout : move(layout, from, to - from);
}

/** One size step wider (`by` = 1) or narrower (-1). */
export function resize(layout: Layout, index: number, by: 1 | -1): Layout {
  const item = layout[index];
  if (!item) return layout;
  const at = WIDTHS.indexOf(item.w);
  const w = WIDTHS[Math.max(0, Math.min(WIDTHS.length - 1, at + by))]!;
  return w === item.w ? layout : layout.map((x, i) => (i === index ? { ...x, w } : x));
}

export function remove(layout: Layout, id: WidgetId): Layout {
  return layout.filter((i) => i.id !== id);
}

export function add(layout: Layout, id: WidgetId): Layout {
  if (layout.some((i) => i.id === id)) return layout;
  return [...layout, { id, w: DEFAULT_LAYOUT.find((d) => d.id === id)?.w ?? 6 }];
}

export const missing = (layout: Layout): WidgetId[] => WIDGET_IDS.filter((id) => !layout.some((i) => i.id === id));

/** A stored layout as far as it is valid: unknown widgets and duplicates dropped, widths snapped. */
export function sanitise(raw: unknown): Layout | null {
  if (!Array.isArray(raw)) return null;
  const out: Layout = [];
  for (const x of raw as { id?: unknown; w?: unknown }[]) {
    if (!x || typeof x !== 'object' || !(WIDGET_IDS as readonly unknown[]).includes(x.id) || out.some((o) => o.id === x.id)) continue;
    const w = typeof x.w === 'number' ? WIDTHS.reduce((a, b) => (Math.abs(b - (x.w as number)) < Math.abs(a - (x.w as number)) ? b : a)) : 6;
    out.push({ id: x.id as WidgetId, w });
  }
  return out;
}
