import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, Payload } from '@temporalio/common';
import type { Cursor } from '../../src/domain/cursor';
import type { ApplyBatchInput, ApplyBatchResult } from '../../src/shared/syncTypes';

/** What Temporal's history says happened to one batch: the attempt that counted, why earlier ones failed, its result. */
export interface BatchOutcome {
  from: Cursor;
  /** The attempt whose result the workflow took (1 when nothing went wrong). */
  attempt: number;
  /** Why the attempt before it ended (heartbeat timeout, lost connection, ...), as the server recorded it. */
  lastFailure: string | undefined;
  /** The attempt found its batch already committed by an earlier one and returned that outcome (the fence). */
  alreadyCommitted: boolean | undefined;
}

export const cursorKey = (c: Cursor): string => `${c.at}#${c.id}`;

function decode<T>(payloads: ReadonlyArray<unknown> | null | undefined): T | undefined {
  const first = payloads?.[0];
  return first ? defaultPayloadConverter.fromPayload<T>(first as Payload) : undefined;
}

/**
 * Every applyBatch of a workflow's run chain (following continue-as-new), keyed by the batch's start cursor. Only
 * the last attempt of an activity is written to history, with the previous attempt's failure: exactly what the
 * harness needs to say how a fault was survived.
 */
export async function batchOutcomes(client: Client, workflowId: string, pipelineRunId: string): Promise<Map<string, BatchOutcome>> {
  const out = new Map<string, BatchOutcome>();
  // The chain's first execution has the pipeline run's id; each continue-as-new names the next execution.
  let temporalRunId: string | undefined = pipelineRunId;
  for (let hops = 0; temporalRunId && hops < 100; hops++) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await client.workflow.getHandle(workflowId, temporalRunId).fetchHistory();
    const scheduled = new Map<string, Cursor>();
    temporalRunId = undefined;
    for (const e of history.events ?? []) {
      const id = String(e.eventId);
      const s = e.activityTaskScheduledEventAttributes;
      if (s && s.activityType?.name === 'applyBatch') {
        const input = decode<ApplyBatchInput>(s.input?.payloads);
        if (input) scheduled.set(id, input.from);
      }
      const st = e.activityTaskStartedEventAttributes;
      const from = st ? scheduled.get(String(st.scheduledEventId)) : undefined;
      if (st && from) out.set(cursorKey(from), { from, attempt: st.attempt ?? 1, lastFailure: st.lastFailure?.message ?? undefined, alreadyCommitted: undefined });
      const c = e.activityTaskCompletedEventAttributes;
      const done = c ? scheduled.get(String(c.scheduledEventId)) : undefined;
      if (c && done) {
        const result = decode<ApplyBatchResult>(c.result?.payloads);
        const o = out.get(cursorKey(done));
        if (o) o.alreadyCommitted = result?.alreadyCommitted;
      }
      const next: string | null | undefined = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) temporalRunId = next;
    }
  }
  return out;
}

export function describeOutcome(o: BatchOutcome | undefined): string {
  if (!o) return 'batch not found in history';
  if (o.attempt === 1) return 'first attempt succeeded';
  const why = o.lastFailure ? `after "${o.lastFailure.slice(0, 80)}"` : '';
  return `attempt ${o.attempt} ${why} ${o.alreadyCommitted ? 'found the batch committed and returned it (fenced)' : 'applied the batch'}`.replace(/\s+/g, ' ');
}
