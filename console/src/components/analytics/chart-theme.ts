/** The colours and mode charts take from the current Vuetify theme, so a chart follows the theme toggle. */
import { computed } from 'vue';
import { useTheme } from 'vuetify';

export interface ChartTheme {
  dark: boolean;
  text: string;
  grid: string;
  palette: string[];
}

export function chartThemeOf(dark: boolean, colors: Record<string, string | undefined>): ChartTheme {
  const c = (k: string, fallback: string) => colors[k] ?? fallback;
  return {
    dark,
    text: c('on-surface', dark ? '#FFFFFF' : '#000000'),
    grid: dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.12)',
    palette: [c('primary', '#2F3E9E'), c('secondary', '#8A5A00'), c('success', '#1E6B24'), c('info', '#0B5CA0'), c('error', '#B3261E'), c('warning', '#8A5300')],
  };
}

export function useChartTheme() {
  const theme = useTheme();
  return computed(() => chartThemeOf(theme.current.value.dark, theme.current.value.colors as Record<string, string>));
}

/** The options every chart shares: theme mode, text colour, no toolbar, animations off for reduced motion. */
export function baseOptions(t: ChartTheme) {
  const reduced = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  return {
    chart: { background: 'transparent', foreColor: t.text, toolbar: { show: false }, animations: { enabled: !reduced }, fontFamily: 'inherit', parentHeightOffset: 0 },
    theme: { mode: t.dark ? ('dark' as const) : ('light' as const) },
    colors: t.palette,
    grid: { borderColor: t.grid },
    tooltip: { theme: t.dark ? ('dark' as const) : ('light' as const) },
    legend: { labels: { colors: t.text } },
  };
}
