/**
 * The campaign the wizard edits: created on the first step, then saved as the user goes (PATCH with
 * If-Match, one save at a time, a second one queued behind it). A 422 marks the fields it names and
 * the valid rest is saved anyway; a 412 says someone else changed the campaign; a 409 says its state
 * no longer allows edits.
 */
import { computed, reactive, ref, watch, type InjectionKey } from 'vue';
import type { InferResponseType } from 'hono/client';
import { api } from '../../api/client.ts';
import { emptyForm, formFrom, payloadOf, stepOf, type StepKey, type WizardForm, type WizardPayload } from './draft.ts';
import { instantToZoned, zonedToInstant } from './time-zone.ts';

export type Campaign = InferResponseType<(typeof api.campaigns)[':id']['$get'], 200>;
export interface FieldIssue {
  field: string;
  message: string;
}
interface ErrorBody {
  error?: { code?: string; message?: string; details?: { issues?: FieldIssue[] } };
}
type CreateBody = Parameters<typeof api.campaigns.$post>[0]['json'];
type PatchBody = Parameters<(typeof api.campaigns)[':id']['$patch']>[0]['json'];
type Answer = { ok: boolean; status: number; json(): Promise<unknown> };

export const AUTOSAVE_MS = 1200;
const OFFLINE = 'No answer from the server: your changes are not saved yet. Check that Herald is running and that this computer is online.';

export function useCampaignDraft(timeZone: () => string, currency: () => string) {
  const form = reactive<WizardForm>(emptyForm(timeZone(), currency()));
  const campaign = ref<Campaign | null>(null);
  const state = reactive({
    saving: false,
    dirty: false,
    savedAt: null as Date | null,
    issues: [] as FieldIssue[],
    /** Said in words: a refusal that is not about one field (offline, 5xx, 409). */
    problem: null as string | null,
    /** Someone else saved first (412): saving stops until the user reloads. */
    stale: null as string | null,
    /** False while a condition in the rule builder is half filled in: the audience saved before stays. */
    rulesComplete: true,
  });
  const id = computed(() => campaign.value?.id ?? null);
  /** The body as last loaded or saved: a change that does not alter it (an empty field shown) saves nothing. */
  let baseline = '';
  /** The audience as last loaded or saved: what is sent while the rules being edited are half built. */
  let savedAudience: WizardPayload['audience'] | undefined;
  const payload = (): Partial<WizardPayload> => {
    const { audience, ...rest } = payloadOf(form, timeZone());
    if (state.rulesComplete || form.audience.mode === 'segment') return { ...rest, audience };
    return savedAudience ? { ...rest, audience: savedAudience } : rest;
  };
  const bodyOf = () => JSON.stringify(payload());
  let chain: Promise<boolean> = Promise.resolve(true);
  let timer: ReturnType<typeof setTimeout> | null = null;

  const errorsFor = (field: string) => state.issues.filter((i) => i.field === field).map((i) => i.message);
  const issuesOf = (step: StepKey) => state.issues.filter((i) => stepOf(i.field) === step);

  function accept(c: Campaign) {
    campaign.value = c;
    state.savedAt = new Date();
  }

  /** Reads a refusal; returns the field issues of a 422 (empty for any other refusal). */
  async function refusal(res: Answer): Promise<FieldIssue[]> {
    const body = ((await res.json().catch(() => null)) ?? {}) as ErrorBody;
    const message = body.error?.message ?? 'The request was refused.';
    if (res.status === 422 && body.error?.details?.issues?.length) return body.error.details.issues;
    if (res.status === 412) state.stale = 'Someone else changed this campaign since you opened it. Reload it to see their changes, then make yours again.';
    else if (res.status === 409) state.problem = `This campaign cannot be changed now: ${message}.`;
    else if (res.status === 422) return [{ field: 'review', message }];
    else state.problem = res.status >= 500 ? 'The server ran into a problem and nothing was saved. Try again in a moment.' : `Not saved: ${message}`;
    return [];
  }

  /**
   * The create carries an Idempotency-Key, the same one while the body is the same: a retry after a
   * lost answer returns the draft already made instead of a second one (a changed body is a new key,
   * as the API refuses one key for two bodies).
   */
  let creation = { body: '', key: '' };
  function creationKey(body: string): string {
    if (creation.body !== body) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      creation = { body, key: `wizard-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}` };
    }
    return creation.key;
  }

  async function send(body: Partial<WizardPayload>): Promise<Answer> {
    const c = campaign.value;
    // What the user typed goes as typed: the API is the one judge of it, and names each field it refuses.
    if (!c) return api.campaigns.$post({ header: { 'idempotency-key': creationKey(JSON.stringify(body)) }, json: body as CreateBody });
    return api.campaigns[':id'].$patch({ param: { id: c.id }, header: { 'if-match': `"${c.version}"` }, json: body as PatchBody });
  }

  async function saveNow(): Promise<boolean> {
    if (state.stale) return false;
    // Nothing new to save (a change undone, or only a half-built rule): no request, no new version.
    if (campaign.value && bodyOf() === baseline && state.issues.length === 0) {
      state.dirty = false;
      return !state.problem;
    }
    state.saving = true;
    state.problem = null;
    const snapshot = bodyOf();
    let body = payload();
    const issues: FieldIssue[] = [];
    try {
      // A 422 changes nothing; what it did not name is sent again, so one bad field never holds back the rest.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const res = await send(body);
        if (res.ok) {
          accept((await res.json()) as Campaign);
          if (body.audience) savedAudience = body.audience;
          break;
        }
        const named = await refusal(res);
        issues.push(...named);
        if (named.length === 0 || !campaign.value) break;
        const rejected = new Set(named.map((i) => i.field.split(/[.[]/)[0]!));
        const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !rejected.has(k)));
        if (Object.keys(rest).length === Object.keys(body).length || Object.keys(rest).length === 0) break;
        body = rest;
      }
    } catch {
      state.problem = OFFLINE;
    } finally {
      state.saving = false;
    }
    state.issues = issues;
    const clean = issues.length === 0 && !state.problem && !state.stale;
    if (clean) {
      baseline = snapshot;
      state.dirty = bodyOf() !== snapshot;
    }
    return clean;
  }

  /** Saves now (after any save in flight); true when everything was saved. */
  function save(): Promise<boolean> {
    if (timer) clearTimeout(timer);
    timer = null;
    chain = chain.then(saveNow, saveNow);
    return chain;
  }

  async function load(campaignId: string): Promise<boolean> {
    const res = await api.campaigns[':id'].$get({ param: { id: campaignId }, query: {} }).catch(() => null);
    if (!res) {
      state.problem = OFFLINE;
      return false;
    }
    if (!res.ok) {
      state.problem = (res.status as number) === 404 ? 'There is no such campaign in your company.' : ((await refusal(res)), state.problem);
      return false;
    }
    const c = (await res.json()) as Campaign;
    campaign.value = c;
    Object.assign(form, formFrom(c, timeZone()));
    savedAudience = payloadOf(form, timeZone()).audience;
    baseline = bodyOf();
    state.dirty = false;
    state.stale = null;
    state.issues = [];
    return true;
  }

  // Autosave: a moment after the last change, once the draft exists.
  // (The builder reports a rule complete just after the rule itself changes, so both are watched.)
  watch(
    [form, () => state.rulesComplete],
    () => {
      state.dirty = bodyOf() !== baseline;
      if (!state.dirty) return;
      if (!campaign.value || state.stale) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void save(), AUTOSAVE_MS);
    },
    { deep: true },
  );

  async function submit(): Promise<boolean> {
    // A series' start reads "not before": one that slipped into the past while the form was filled
    // in means now (the API refuses a start more than a few minutes old).
    const start = zonedToInstant(form.start, timeZone());
    if (form.repeat.on && start && Date.parse(start) < Date.now()) {
      form.start = instantToZoned(new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(), timeZone());
      state.dirty = true;
    }
    if ((state.dirty || !campaign.value) && !(await save())) return false;
    if (!campaign.value) return false;
    try {
      const res = await api.campaigns[':id'].submit.$post({ param: { id: campaign.value.id } });
      if (res.ok) {
        accept((await res.json()) as Campaign);
        return true;
      }
      state.issues = await refusal(res);
    } catch {
      state.problem = OFFLINE;
    }
    return false;
  }

  return { form, campaign, id, state, save, load, submit, errorsFor, issuesOf, timeZone, currency };
}

export type CampaignDraft = ReturnType<typeof useCampaignDraft>;

/** Steps inject the draft the page created. */
export const WIZARD: InjectionKey<CampaignDraft> = Symbol('campaign-wizard');
