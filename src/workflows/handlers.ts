import * as wf from '@temporalio/workflow';
import { batchSizeProblem, partitionsProblem, pauseSignal, progressQuery, resumeSignal, setBatchSizeUpdate, setPartitionsUpdate } from './definitions';
import type { SyncRun } from './runState';

/** The UI's view of the run, refreshed whenever something a person would look for changes. */
export function showDetails(run: SyncRun): void {
  wf.setCurrentDetails(run.details());
}

/**
 * Pause, resume, a new batch size and cancel only record what was asked: the batch loop acts on them between
 * batches, so a batch in flight always commits whole.
 */
export function registerHandlers(run: SyncRun): void {
  wf.setHandler(pauseSignal, () => {
    run.pause();
    showDetails(run);
  });
  wf.setHandler(resumeSignal, () => {
    run.resume();
    showDetails(run);
  });
  wf.setHandler(progressQuery, () => run.progress());
  wf.setHandler(
    setBatchSizeUpdate,
    (size: number) => {
      const previous = run.setBatchSize(size);
      showDetails(run);
      return previous;
    },
    {
      validator: (size: number) => {
        const problem = batchSizeProblem(size);
        if (problem) throw new Error(problem);
      },
    },
  );
  wf.setHandler(
    setPartitionsUpdate,
    (k: number) => {
      const previous = run.setPartitions(k);
      showDetails(run);
      return previous;
    },
    {
      validator: (k: number) => {
        const problem = partitionsProblem(k);
        if (problem) throw new Error(problem);
      },
    },
  );
  wf.CancellationScope.current().cancelRequested.catch(() => run.requestCancel());
}
