import { EXIT } from './exitCodes';
import { say } from './output';

/** What `orInterrupt` gives when Ctrl-C came first. */
export const INTERRUPTED = Symbol('interrupted');
export type Interrupted = typeof INTERRUPTED;

/**
 * What `work` gives, or INTERRUPTED at the first Ctrl-C (SIGINT) while it is pending. Needed because the Temporal
 * runtime listens for SIGINT itself (to shut workers down), so Node no longer exits on it: without this, the first
 * Ctrl-C of a command that only follows a run would do nothing visible.
 */
export async function orInterrupt<T>(work: Promise<T>): Promise<T | Interrupted> {
  let onSignal = () => {};
  const interrupted = new Promise<Interrupted>((resolve) => {
    onSignal = () => resolve(INTERRUPTED);
  });
  process.once('SIGINT', onSignal);
  // The work goes on after an interrupt until the process exits; its failure then is of no interest.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, interrupted]);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/**
 * After Ctrl-C: this command stops following, the run goes on (Temporal runs it, not this process). Says so, with the
 * exact commands to follow or cancel it, and returns the exit status 130.
 */
export function stoppedFollowing(workflowId: string, opts: { inProcessWorker?: string } = {}): number {
  const id = ` --workflow-id ${workflowId}`;
  say('');
  say(`Stopped following. The run ${workflowId} goes on in Temporal: Ctrl-C stops this command, not the run.`);
  if (opts.inProcessWorker) {
    say(`  The worker in this process has stopped: the run waits until a worker polls task queue ${opts.inProcessWorker} (\`npx product-etl worker\`).`);
  }
  say(`  Follow it again:  npx product-etl status --follow${id}`);
  say(`  Cancel it:        npx product-etl cancel${id}`);
  return EXIT.interrupted;
}
