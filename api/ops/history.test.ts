import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { eventTypeName, readableHistory } from './history.ts';

const T = proto.temporal.api.enums.v1.EventType;
const at = (s: number) => ({ seconds: s, nanos: 0 });

describe('readable workflow history', () => {
  it('names event types the way ops reads them', () => {
    expect(eventTypeName(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe('ActivityTaskScheduled');
    expect(eventTypeName(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toBe('WorkflowExecutionSignaled');
  });

  it('shows a retried activity with its attempt and the failure that caused the retry, and who paused', () => {
    const raw = [
      { eventId: 5, eventTime: at(1_800_000_000), eventType: T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, activityTaskScheduledEventAttributes: { activityType: { name: 'sendBatch' } } },
      { eventId: 6, eventTime: at(1_800_000_010), eventType: T.EVENT_TYPE_ACTIVITY_TASK_STARTED, activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 3, lastFailure: { message: 'connect ECONNREFUSED 127.0.0.1:2525' } } },
      { eventId: 7, eventTime: at(1_800_000_011), eventType: T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, activityTaskCompletedEventAttributes: { scheduledEventId: 5 } },
      {
        eventId: 8,
        eventTime: at(1_800_000_012),
        eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        workflowExecutionSignaledEventAttributes: { signalName: 'pause', input: { payloads: [defaultPayloadConverter.toPayload({ actorId: 'user-1', reason: 'links' }) as never] } },
      },
    ];
    // Protobuf's typings want Long for 64-bit fields; the decoder accepts plain numbers as the SDK's own JSON does.
    const events = readableHistory(raw as unknown as Parameters<typeof readableHistory>[0]);
    expect(events[1]).toMatchObject({ activity: 'sendBatch', attempt: 3, failure: { message: 'connect ECONNREFUSED 127.0.0.1:2525' } });
    expect(events[1]!.summary).toBe('sendBatch started (attempt 3); the previous attempt failed: connect ECONNREFUSED 127.0.0.1:2525');
    expect(events[2]!.summary).toBe('sendBatch completed');
    expect(events[3]).toMatchObject({ summary: 'signal pause', actorId: 'user-1', time: new Date(1_800_000_012_000).toISOString() });
  });
});
