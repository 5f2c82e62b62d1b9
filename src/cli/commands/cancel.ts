import { Command } from '@commander-js/extra-typings';
import { act, AddCommand, OptionsOf, workflowIdOption } from '../command';
import { withSyncClient } from '../context';
import { exitCodeOfRun } from '../exitCodes';
import { formatOutcome } from '../format/outcome';
import { print, say } from '../output';

const define = (program: Command) =>
  program
    .command('cancel')
    .description('stop a run after its batch in flight (it ends Cancelled)')
    .addOption(workflowIdOption('the workflow to cancel'))
    .option('--wait', 'wait until the run has stopped and print how it ended');

/**
 * `cancel`, as the UI's Cancel button: the run stops after the batch in flight has committed or rolled back and ends
 * Cancelled, its watermark at the last committed batch. --wait waits for that and reports it.
 */
export const addCancelCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, cancel));
};

async function cancel(o: OptionsOf<typeof define>): Promise<number> {
  return withSyncClient(async (client) => {
    const run = await client.cancel({ workflowId: o.workflowId });
    const { workflowId: id, runId } = run.description;
    if (!o.wait) {
      print(`Cancellation requested for ${id} (run ${runId}): it stops after the batch in flight and ends Cancelled.`);
      return 0;
    }
    say(`Cancellation requested for ${id} (run ${runId}); waiting for the batch in flight ...`);
    const outcome = await client.outcome(run.handle);
    print(formatOutcome(outcome));
    // A run that finished its last batch before it saw the request ends Completed: still what was asked for.
    return outcome.status === 'CANCELLED' || outcome.status === 'COMPLETED' ? 0 : exitCodeOfRun(outcome.status);
  });
}
