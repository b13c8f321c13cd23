/**
 * Component tests (vitest's `console` project, happy-dom): every mount gets a Vuetify instance like
 * the console's, and the browser APIs happy-dom lacks that Vuetify's layout code calls.
 */
import { config } from '@vue/test-utils';
import { createVuetify } from 'vuetify';
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg';

class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoopResizeObserver as unknown as typeof ResizeObserver;

config.global.plugins = [createVuetify({ icons: { defaultSet: 'mdi', aliases, sets: { mdi } } })];
