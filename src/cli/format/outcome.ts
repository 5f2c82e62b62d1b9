import { formatCount } from '../../shared/format';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { RunOutcome } from '../../client';
import { formatProgress } from './progress';
import { formatSummary } from './summary';

const n = formatCount;

export function describeLine(d: WorkflowExecutionDescription): string {
  const closed = d.closeTime ? ` · closed ${d.closeTime.toISOString()}` : '';
  return `Workflow ${d.workflowId} (run ${d.runId}) · ${d.status.name} · started ${d.startTime.toISOString()}${closed} · task queue ${d.taskQueue}`;
}

/** How a run ended, as a person reads it: its final status, then its summary, last progress or failure. */
export function formatOutcome(o: RunOutcome): string {
  let text: string;
  switch (o.kind) {
    case 'summary':
      text = formatSummary(o.summary);
      break;
    case 'cancelled':
      text = o.lastProgress
        ? `  Cancelled after ${n(o.lastProgress.batchesDone)} batch(es); the watermark is at the last committed batch.\n${formatProgress(o.lastProgress)}`
        : '  Cancelled; the watermark is at the last committed batch (start a worker to see its last progress).';
      break;
    case 'failed':
      text = `  ${o.message}`;
      break;
  }
  return `Workflow ${o.workflowId} (run ${o.runId}) ended ${o.status}.\n${text}`;
}
