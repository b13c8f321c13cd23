/** Light/dark theme, remembered per browser; the first visit follows the operating system. */
import { computed } from 'vue';
import { useTheme } from 'vuetify';

export type ThemeName = 'light' | 'dark';
const STORAGE_KEY = 'herald.theme';

function stored(): ThemeName | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage disabled (privacy mode): fall back to the system preference
  }
}

export function initialTheme(): ThemeName {
  return stored() ?? (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

export function useThemePreference() {
  const theme = useTheme();
  const isDark = computed(() => theme.global.current.value.dark);

  function toggle() {
    const next: ThemeName = isDark.value ? 'light' : 'dark';
    theme.change(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not persisted; the choice still holds for this visit
    }
  }

  return { isDark, toggle };
}
