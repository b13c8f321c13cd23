/** The widgets an analytics dashboard can hold and the widths it offers (twelfths of a row), shared by the API's schema and the console's editor. */
export const DASHBOARD_WIDGETS = ['kpis', 'trends', 'channels', 'performers', 'recommendations', 'heatmap'] as const;
export type DashboardWidget = (typeof DASHBOARD_WIDGETS)[number];
export const DASHBOARD_WIDTHS = [4, 6, 8, 12] as const;
