/**
 * A campaign workflow's event history, made readable for ops: what ran, how many attempts it took,
 * what failed and why, and who sent each signal or update.
 */
// @temporalio/proto is CommonJS: under Node's own ESM loader only its default export is importable.
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';

type Event = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure | null | undefined;

export interface ReadableEvent {
  eventId: number;
  time: string | null;
  type: string;
  /** One line a person reads: "sendBatch failed on attempt 3: connection refused". */
  summary: string;
  activity?: string;
  attempt?: number;
  failure?: { message: string; cause: string | null; type: string | null };
  /** The user id behind a signal or update (actorId, approverId or editorId in its argument). */
  actorId?: string | null;
}

const TYPE_NAMES = proto.temporal.api.enums.v1.EventType as unknown as Record<number, string>;

export function eventTypeName(t: number | null | undefined): string {
  const raw = TYPE_NAMES[t ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

function time(e: Event): string | null {
  const t = e.eventTime;
  if (!t?.seconds) return null;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

function failureOf(f: Failure): ReadableEvent['failure'] {
  if (!f) return undefined;
  return { message: f.message ?? '', cause: f.cause?.message ?? null, type: f.applicationFailureInfo?.type ?? null };
}

function decodeFirst(payloads: temporal.api.common.v1.IPayloads | null | undefined): unknown {
  const p = payloads?.payloads?.[0];
  if (!p) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(p as never);
  } catch {
    return undefined;
  }
}

function actorOf(arg: unknown): string | null {
  if (!arg || typeof arg !== 'object') return null;
  const a = arg as Record<string, unknown>;
  const id = a.actorId ?? a.approverId ?? a.editorId;
  return typeof id === 'string' ? id : null;
}

function seconds(d: { seconds?: number | Long | null } | null | undefined): string {
  return d?.seconds ? `${Number(d.seconds)} s` : '';
}
type Long = { toNumber(): number };

export function readableHistory(events: Event[]): ReadableEvent[] {
  const activities = new Map<number, string>();
  return events.map((e) => {
    const base = { eventId: Number(e.eventId), time: time(e), type: eventTypeName(e.eventType) };
    if (e.activityTaskScheduledEventAttributes) {
      const name = e.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity';
      activities.set(base.eventId, name);
      return { ...base, activity: name, summary: `${name} scheduled` };
    }
    if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const name = activities.get(Number(a.scheduledEventId)) ?? 'activity';
      const failure = failureOf(a.lastFailure);
      return { ...base, activity: name, attempt: a.attempt ?? 1, ...(failure ? { failure } : {}), summary: `${name} started (attempt ${a.attempt ?? 1})${failure ? `; the previous attempt failed: ${failure.message}` : ''}` };
    }
    if (e.activityTaskCompletedEventAttributes) {
      const name = activities.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId)) ?? 'activity';
      return { ...base, activity: name, summary: `${name} completed` };
    }
    if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      const name = activities.get(Number(a.scheduledEventId)) ?? 'activity';
      const failure = failureOf(a.failure);
      return { ...base, activity: name, ...(failure ? { failure } : {}), summary: `${name} failed: ${failure?.message ?? 'unknown error'}${failure?.cause ? ` (cause: ${failure.cause})` : ''}` };
    }
    if (e.activityTaskTimedOutEventAttributes) {
      const name = activities.get(Number(e.activityTaskTimedOutEventAttributes.scheduledEventId)) ?? 'activity';
      const failure = failureOf(e.activityTaskTimedOutEventAttributes.failure);
      return { ...base, activity: name, ...(failure ? { failure } : {}), summary: `${name} timed out${failure?.message ? `: ${failure.message}` : ''}` };
    }
    if (e.activityTaskCanceledEventAttributes) {
      const name = activities.get(Number(e.activityTaskCanceledEventAttributes.scheduledEventId)) ?? 'activity';
      return { ...base, activity: name, summary: `${name} cancelled` };
    }
    if (e.workflowExecutionSignaledEventAttributes) {
      const a = e.workflowExecutionSignaledEventAttributes;
      const actorId = actorOf(decodeFirst(a.input));
      return { ...base, actorId, summary: `signal ${a.signalName}` };
    }
    if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input;
      const actorId = actorOf(decodeFirst(req?.args));
      return { ...base, actorId, summary: `update ${req?.name ?? ''} accepted` };
    }
    if (e.workflowExecutionUpdateCompletedEventAttributes) return { ...base, summary: 'update completed' };
    if (e.timerStartedEventAttributes) return { ...base, summary: `timer started for ${seconds(e.timerStartedEventAttributes.startToFireTimeout)}` };
    if (e.timerFiredEventAttributes) return { ...base, summary: 'timer fired' };
    if (e.workflowExecutionStartedEventAttributes) return { ...base, summary: `workflow started${e.workflowExecutionStartedEventAttributes.continuedExecutionRunId ? ' (continued from the previous run)' : ''}` };
    if (e.workflowExecutionCompletedEventAttributes) return { ...base, summary: 'workflow completed' };
    if (e.workflowExecutionFailedEventAttributes) {
      const failure = failureOf(e.workflowExecutionFailedEventAttributes.failure);
      return { ...base, ...(failure ? { failure } : {}), summary: `workflow failed: ${failure?.message ?? ''}` };
    }
    if (e.workflowExecutionContinuedAsNewEventAttributes) return { ...base, summary: 'continued as new (history kept short)' };
    if (e.workflowExecutionTerminatedEventAttributes) return { ...base, summary: `terminated: ${e.workflowExecutionTerminatedEventAttributes.reason ?? ''}` };
    if (e.workflowTaskFailedEventAttributes) {
      const failure = failureOf(e.workflowTaskFailedEventAttributes.failure);
      return { ...base, ...(failure ? { failure } : {}), summary: `workflow task failed: ${failure?.message ?? ''}` };
    }
    return { ...base, summary: base.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() };
  });
}
