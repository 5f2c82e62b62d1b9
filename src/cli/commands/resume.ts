import { act, AddCommand, workflowIdOption } from '../command';
import { withSyncClient } from '../context';
import { print } from '../output';

/** `resume`: a paused run takes its next batch. Resuming a run that is not paused changes nothing. */
export const addResumeCommand: AddCommand = (program, exit) => {
  program
    .command('resume')
    .description('resume a paused run')
    .addOption(workflowIdOption('the workflow to resume'))
    .action(act(exit, (o) => withSyncClient(async (client) => {
      const { description: d } = await client.resume({ workflowId: o.workflowId });
      print(`Resumed ${d.workflowId} (run ${d.runId}): it continues with its next batch.`);
      return 0;
    })));
};
