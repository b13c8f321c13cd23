/** A loading button's spinner gets a name as it appears; a spinner that has one keeps it. */
import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import { VBtn, VProgressCircular } from 'vuetify/components';
import { nameSpinners } from './spinner-names.ts';

let stop = () => {};
afterEach(() => {
  stop();
  document.body.innerHTML = '';
});

describe('nameSpinners', () => {
  it("names a loading button's spinner when it appears, and leaves a named one alone", async () => {
    stop = nameSpinners(document.body);
    const loading = ref(false);
    const w = mount(
      defineComponent({ setup: () => () => [h(VBtn, { loading: loading.value }, () => 'Pause'), h(VProgressCircular, { indeterminate: true, 'aria-label': 'Counting the audience' })] }),
      { attachTo: document.body },
    );
    expect(document.querySelectorAll('.v-btn .v-progress-circular')).toHaveLength(0);
    loading.value = true;
    await w.vm.$nextTick();
    await new Promise((r) => setTimeout(r, 0)); // MutationObserver callbacks run as a microtask after the change
    const spinner = document.querySelector('.v-btn .v-progress-circular')!;
    expect(spinner.getAttribute('role')).toBe('progressbar');
    expect(spinner.getAttribute('aria-label')).toBe('Loading');
    expect(document.querySelector('.v-btn ~ .v-progress-circular')!.getAttribute('aria-label')).toBe('Counting the audience');
    w.unmount();
  });
});
