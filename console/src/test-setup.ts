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

// Vuetify's menus position themselves against the visual viewport.
const viewport = { width: 1024, height: 768, offsetLeft: 0, offsetTop: 0, pageLeft: 0, pageTop: 0, scale: 1, addEventListener() {}, removeEventListener() {} };
(globalThis as { visualViewport?: unknown }).visualViewport ??= viewport;

config.global.plugins = [createVuetify({ icons: { defaultSet: 'mdi', aliases, sets: { mdi } } })];
