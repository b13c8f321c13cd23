/** The colours and mode charts take from the current Vuetify theme, so a chart follows the theme toggle. */
import { computed, inject, provide, type InjectionKey } from 'vue';
import { useTheme } from 'vuetify';

export interface ChartTheme {
  dark: boolean;
  text: string;
  grid: string;
  palette: string[];
  /** Charts animate as they draw (off where a page draws several at once: provideStillCharts). */
  animate: boolean;
}

const STILL: InjectionKey<boolean> = Symbol('still charts');

/**
 * The charts under the calling component draw without animation. The dashboard draws several charts
 * at once right after sign-in and again on every live refresh; an animation there is main-thread
 * work, frame after frame, while the user wants to read and click.
 */
export function provideStillCharts(): void {
  provide(STILL, true);
}

export function chartThemeOf(dark: boolean, colors: Record<string, string | undefined>, animate = true): ChartTheme {
  const c = (k: string, fallback: string) => colors[k] ?? fallback;
  return {
    animate,
    dark,
    text: c('on-surface', dark ? '#FFFFFF' : '#000000'),
    grid: dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.12)',
    palette: [c('primary', '#2F3E9E'), c('secondary', '#8A5A00'), c('success', '#1E6B24'), c('info', '#0B5CA0'), c('error', '#B3261E'), c('warning', '#8A5300')],
  };
}

export function useChartTheme() {
  const theme = useTheme();
  const still = inject(STILL, false);
  return computed(() => chartThemeOf(theme.current.value.dark, theme.current.value.colors as Record<string, string>, !still));
}

/** The options every chart shares: theme mode, text colour, no toolbar, animations off for reduced motion and still charts. */
export function baseOptions(t: ChartTheme) {
  const reduced = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  return {
    chart: { background: 'transparent', foreColor: t.text, toolbar: { show: false }, animations: { enabled: t.animate && !reduced }, fontFamily: 'inherit', parentHeightOffset: 0 },
    theme: { mode: t.dark ? ('dark' as const) : ('light' as const) },
    colors: t.palette,
    grid: { borderColor: t.grid },
    tooltip: { theme: t.dark ? ('dark' as const) : ('light' as const) },
    legend: { labels: { colors: t.text } },
  };
}
