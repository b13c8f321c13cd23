/**
 * The detail page's content tab against a fake API at the fetch level: a variant that sets only its
 * subject is previewed over the main content (as sending merges it), the e-mail stays in a sandboxed
 * frame, and "Send a test to me" sends the chosen variant and says where it went.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { VSelect } from 'vuetify/components';
import { session, type Profile } from '../../api/session.ts';
import { fakeApi, type ApiCall } from '../../test-api.ts';
import CampaignContent from './CampaignContent.vue';

const ID = '0b7d4c2e-5d1a-4c55-9a43-2f0f4a3f9d10';
let calls: ApiCall[] = [];
let wrapper: VueWrapper | null = null;

const rendered = (fields: Record<string, string>) => ({ contact: { id: null, name: 'Alex Sample', sample: true }, variant: null, channels: { email: { fields, errors: [] } } });

beforeEach(() => {
  session.profile = { id: 'u1', email: 'manager@acme.test', name: 'Manager', role: 'manager', permissions: ['read', 'update'] } as unknown as Profile;
  calls = fakeApi(({ path, body }) => {
    let answer: unknown = { error: { message: 'no fake' } };
    let status = 200;
    if (path.endsWith('/preview')) {
      // The API replaces the whole channel with the variant's content: B sets only its subject.
      answer = body?.variant === 'B' ? rendered({ subject: 'Last chance, Alex' }) : rendered({ subject: 'Hello Alex', html: '<p>Hi <b>Alex</b></p>' });
    } else if (path.endsWith('/test-send')) answer = { to: 'manager@acme.test', providerId: 'q1' };
    else status = 404;
    return { status, body: answer };
  });
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.unstubAllGlobals();
  session.profile = null;
});

describe('campaign content tab', () => {
  it('previews a variant over the main content, in a sandboxed frame, and sends the test of that variant to me', async () => {
    wrapper = mount(CampaignContent, { props: { id: ID, variants: ['A', 'B'], hasEmail: true, version: 1 }, attachTo: document.body });
    await vi.waitFor(() => expect(wrapper!.find('[data-field="subject"]').text()).toBe('Hello Alex'));
    expect(wrapper.text()).toContain('The test goes to manager@acme.test');

    await wrapper.findComponent(VSelect).setValue('B');
    await vi.waitFor(() => expect(wrapper!.find('[data-field="subject"]').text()).toBe('Last chance, Alex'));
    // B's own subject, the main HTML: what a recipient of B gets.
    const frame = wrapper.find('iframe');
    expect(frame.attributes('sandbox')).toBe('');
    expect(frame.attributes('srcdoc')).toBe('<p>Hi <b>Alex</b></p>');

    await wrapper.findAll('button').find((b) => b.text().includes('Send a test to me'))!.trigger('click');
    await flushPromises();
    await vi.waitFor(() => expect(wrapper!.find('[data-testid="test-send-result"]').text()).toBe('Test message sent to manager@acme.test. Its subject starts with [TEST].'));
    expect(calls.find((c) => c.path.endsWith('/test-send'))!.body).toEqual({ variant: 'B' });
  });

  it('offers a role that may not edit no test send', async () => {
    session.profile = { ...session.profile!, permissions: ['read'] };
    wrapper = mount(CampaignContent, { props: { id: ID, variants: [], hasEmail: true, version: 1 }, attachTo: document.body });
    await vi.waitFor(() => expect(wrapper!.find('iframe').exists()).toBe(true));
    expect(wrapper.findAll('button').some((b) => b.text().includes('Send a test to me'))).toBe(false);
    expect(wrapper.findComponent(VSelect).exists()).toBe(false);
  });
});
