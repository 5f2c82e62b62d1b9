import { randomUUID } from 'node:crypto';
import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { act, AddCommand } from '../command';
import { openDatabase } from '../context';
import { print } from '../output';
import { withInProcessWorker } from '../withWorker';

/** `stack-check`: a round trip through the stack: client -> Temporal -> worker -> activity -> MySQL -> back. */
export const addStackCheckCommand: AddCommand = (program, exit) => {
  program
    .command('stack-check')
    .description('round trip through Temporal and MySQL, with a worker in this process')
    .action(act(exit, stackCheck));
};

async function stackCheck(): Promise<number> {
  const settings = loadTemporalSettings();
  const { knex } = await openDatabase();
  const client = await connectClient(settings);
  try {
    const result = await withInProcessWorker(settings, knex, client, () =>
      client.workflow.execute('stackCheckWorkflow', { taskQueue: settings.taskQueue, workflowId: `stack-check-${randomUUID()}`, args: [] }),
    );
    print(`Stack check passed: Temporal ${settings.address} -> worker -> MySQL ${JSON.stringify(result)}`);
    return 0;
  } finally {
    await client.connection.close();
    await knex.destroy();
  }
}
