/**
 * Tells the worker how each sync run closed, for the runs-by-state metric. A workflow cannot do I/O, so it reports
 * through a sink: a sink call adds no command to history (replay of recorded histories is unchanged) and, as
 * registered by the worker, is not called again when a run is replayed. Registered as a workflow interceptor so the
 * workflow's own code stays as it is; a continue-as-new is not a close, and an error that only fails the workflow
 * task (a bug, retried by Temporal) is not either.
 */
import * as wf from '@temporalio/workflow';
import { TemporalFailure } from '@temporalio/common';
import { WORKFLOW_TYPE } from './definitions';

export interface RunOutcomeSinks extends wf.Sinks {
  runOutcome: {
    finished(state: 'completed' | 'cancelled' | 'failed', dryRun: boolean, finishedAt?: string): void;
  };
}

const { runOutcome } = wf.proxySinks<RunOutcomeSinks>();

function dryRunOf(args: unknown[]): boolean {
  const continued = args[1] as { options?: { dryRun?: boolean } } | undefined;
  const input = args[0] as { dryRun?: boolean } | undefined;
  return continued?.options?.dryRun ?? input?.dryRun ?? false;
}

class RunOutcomeInterceptor implements wf.WorkflowInboundCallsInterceptor {
  async execute(input: wf.WorkflowExecuteInput, next: wf.Next<wf.WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (wf.workflowInfo().workflowType !== WORKFLOW_TYPE) return next(input);
    const dryRun = dryRunOf(input.args);
    try {
      const result = await next(input);
      runOutcome.finished('completed', dryRun, (result as { finishedAt?: string | null } | undefined)?.finishedAt ?? undefined);
      return result;
    } catch (err) {
      if (err instanceof wf.ContinueAsNew) throw err;
      if (wf.isCancellation(err)) runOutcome.finished('cancelled', dryRun);
      else if (err instanceof TemporalFailure) runOutcome.finished('failed', dryRun);
      throw err;
    }
  }
}

export const interceptors: wf.WorkflowInterceptorsFactory = () => ({ inbound: [new RunOutcomeInterceptor()] });
