/**
 * The approval dialog, mounted against a fake API at the fetch level: what an approver sees (the
 * question, the comment field, a reject that needs a reason) and what is sent to the API; a
 * workflow's refusal shown in words inside the dialog.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { session, type Profile } from '../../api/session.ts';
import { fakeApi, type ApiAnswer, type ApiCall } from '../../test-api.ts';
import CampaignActions from './CampaignActions.vue';

const ID = '0b7d4c2e-5d1a-4c55-9a43-2f0f4a3f9d10';
let calls: ApiCall[] = [];
let reply: (call: ApiCall) => ApiAnswer = () => ({ status: 200, body: { status: 'scheduled' } });
let wrapper: VueWrapper | null = null;

beforeEach(() => {
  reply = () => ({ status: 200, body: { status: 'scheduled' } });
  session.profile = { id: 'approver-1', email: 'approver@acme.test', name: 'Approver', role: 'approver', permissions: ['read', 'approve'], company: {} } as unknown as Profile;
  calls = fakeApi((call) => reply(call));
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.unstubAllGlobals();
  session.profile = null;
  document.body.innerHTML = '';
});

async function actions(creatorId = 'manager-1') {
  wrapper = mount(CampaignActions, { props: { id: ID, status: 'pending_approval', creatorId, remaining: 0 }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}
/** The dialog lives in Vuetify's overlay container, outside the component's own element. */
const dialog = () => document.querySelector<HTMLElement>('.v-overlay-container .v-card');
const button = (root: ParentNode, text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text) as HTMLButtonElement | undefined;
const settle = async () => {
  await flushPromises();
  await new Promise((r) => setTimeout(r, 0));
  await flushPromises();
};

describe('approving and rejecting from the campaign page', () => {
  it('offers an approver approve and reject on a campaign waiting for approval, and nothing on their own', async () => {
    const w = await actions();
    expect(w.findAll('[role="group"] button').map((b) => b.text())).toEqual(['Approve', 'Reject']);
    w.unmount();
    wrapper = null;
    const own = await actions('approver-1');
    expect(own.findAll('[role="group"] button')).toHaveLength(0);
  });

  it('asks before approving, sends the comment typed, and closes once the API answers', async () => {
    const w = await actions();
    await w.findAll('[role="group"] button').find((b) => b.text() === 'Approve')!.trigger('click');
    await settle();
    const d = dialog()!;
    expect(d.querySelector('.v-card-title')?.textContent).toBe('Approve this campaign?');
    const box = d.querySelector('textarea')!;
    expect(d.querySelector('label')?.textContent).toContain('Comment (optional)');
    box.value = 'Budget checked with finance';
    box.dispatchEvent(new Event('input'));
    await settle();
    button(d, 'Approve')!.click();
    await settle();
    expect(calls.map(({ method, path, body }) => ({ method, path, body }))).toEqual([{ method: 'POST', path: `/api/campaigns/${ID}/approve`, body: { comment: 'Budget checked with finance' } }]);
    expect(w.emitted('done')).toHaveLength(1);
    expect(dialog()).toBeNull();
  });

  it('will not reject without a reason, and sends the reason the creator will read', async () => {
    const w = await actions();
    await w.findAll('[role="group"] button').find((b) => b.text() === 'Reject')!.trigger('click');
    await settle();
    const d = dialog()!;
    expect(d.querySelector('label')?.textContent).toContain('Why (the creator sees this)');
    expect(button(d, 'Reject')!.disabled).toBe(true);
    const box = d.querySelector('textarea')!;
    box.value = 'Audience too broad';
    box.dispatchEvent(new Event('input'));
    await settle();
    expect(button(d, 'Reject')!.disabled).toBe(false);
    button(d, 'Reject')!.click();
    await settle();
    expect(calls.map(({ method, path, body }) => ({ method, path, body }))).toEqual([{ method: 'POST', path: `/api/campaigns/${ID}/reject`, body: { comment: 'Audience too broad' } }]);
  });

  it("shows the workflow's refusal in words inside the dialog, and keeps it open", async () => {
    reply = () => ({ status: 409, body: { error: { code: 'workflow_rejected', message: 'the creator cannot approve their own campaign' } } });
    const w = await actions();
    await w.findAll('[role="group"] button').find((b) => b.text() === 'Approve')!.trigger('click');
    await settle();
    button(dialog()!, 'Approve')!.click();
    await settle();
    expect(dialog()!.querySelector('.v-alert')?.textContent).toContain('the creator cannot approve their own campaign');
    expect(w.emitted('done')).toBeUndefined();
  });
});
