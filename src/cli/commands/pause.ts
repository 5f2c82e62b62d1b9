import { act, AddCommand, workflowIdOption } from '../command';
import { withSyncClient } from '../context';
import { print } from '../output';

/** `pause`: the run finishes the batch in flight, then waits (holding no worker slot) for `resume`. */
export const addPauseCommand: AddCommand = (program, exit) => {
  program
    .command('pause')
    .description('pause a run after its batch in flight')
    .addOption(workflowIdOption('the workflow to pause'))
    .action(act(exit, (o) => withSyncClient(async (client) => {
      const { description: d } = await client.pause({ workflowId: o.workflowId });
      print(`Paused ${d.workflowId} (run ${d.runId}): the batch in flight finishes, then the run waits.`);
      print(`Resume it with \`npx product-etl resume${d.workflowId === 'product-sync' ? '' : ` --workflow-id ${d.workflowId}`}\`.`);
      return 0;
    })));
};
