/**
 * The new-user dialog against a fake API at the fetch level: what it sends, each refusal under the
 * field it names (or in words above the form), and the one-time password once the user exists.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import UserCreateDialog from './UserCreateDialog.vue';
import { fakeApi, type ApiAnswer, type ApiCall } from '../../test-api.ts';

let calls: ApiCall[];
let answer: ApiAnswer;
let wrapper: VueWrapper | null = null;

beforeEach(() => {
  answer = { status: 201, body: { id: '00000000-0000-4000-8000-0000000000a1', email: 'ada@acme.example', name: 'Ada', role: 'analyst', oneTimePassword: 'tulip-harbor-42' } };
  calls = fakeApi(() => answer);
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const settle = async () => {
  await flushPromises();
  await new Promise((r) => setTimeout(r, 0));
  await flushPromises();
};
const card = () => document.querySelector<HTMLElement>('.v-overlay-container .v-card')!;
/** The error messages Vuetify shows under the field labelled `label`. */
const under = (label: string) => {
  const field = [...card().querySelectorAll<HTMLElement>('.v-input')].find((i) => i.querySelector('label')?.textContent?.trim() === label)!;
  return [...field.querySelectorAll('.v-messages__message')].map((m) => m.textContent?.trim());
};

async function fillAndCreate() {
  wrapper = mount(UserCreateDialog, { props: { modelValue: true, roles: ['viewer', 'analyst', 'manager'] }, attachTo: document.body });
  await settle();
  const [email, name] = [...card().querySelectorAll('input')] as HTMLInputElement[];
  email!.value = ' ada@acme.example ';
  email!.dispatchEvent(new Event('input'));
  name!.value = 'Ada';
  name!.dispatchEvent(new Event('input'));
  await settle();
  [...card().querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Create user')!.click();
  await settle();
  return wrapper;
}

describe('creating a user', () => {
  it('sends the trimmed e-mail, the name and the role, then shows the one-time password once', async () => {
    const w = await fillAndCreate();
    expect(calls.map(({ method, path, body }) => ({ method, path, body }))).toEqual([{ method: 'POST', path: '/api/users', body: { email: 'ada@acme.example', name: 'Ada', role: 'viewer' } }]);
    expect(card().querySelector('[data-testid="one-time-password"]')?.textContent).toBe('tulip-harbor-42');
    expect(w.emitted('created')).toHaveLength(1);
  });

  it('shows a 422 under the field it names, with nothing above the form', async () => {
    answer = { status: 422, body: { error: { code: 'validation_failed', message: 'Invalid input', details: { issues: [{ field: 'email', message: 'is already used by another user of this company' }] } } } };
    const w = await fillAndCreate();
    expect(under('Email')).toEqual(['is already used by another user of this company']);
    expect(under('Name')).toEqual([]);
    expect(card().querySelector('.v-alert')).toBeNull();
    expect(w.emitted('created')).toBeUndefined();
  });

  it('says a refusal naming no field in words above the form, and a field it has no input for by name', async () => {
    answer = { status: 403, body: { error: { code: 'forbidden', message: 'only an admin can add users' } } };
    await fillAndCreate();
    expect(card().querySelector('.v-alert')?.textContent?.trim()).toBe('only an admin can add users');
    wrapper!.unmount();
    document.body.innerHTML = '';
    answer = { status: 422, body: { error: { code: 'validation_failed', message: 'Invalid input', details: { issues: [{ field: 'team', message: 'no such team' }] } } } };
    await fillAndCreate();
    expect(card().querySelector('.v-alert')?.textContent?.trim()).toBe('team: no such team');
    expect(under('Email')).toEqual([]);
  });
});
