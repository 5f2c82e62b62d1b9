import { randomUUID } from 'node:crypto';
import { parse } from '../args';
import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { openDatabase } from '../context';
import { print } from '../output';
import { withInProcessWorker } from '../withWorker';

/** A round trip through the stack: client -> Temporal -> worker -> activity -> MySQL -> back. */
export async function stackCheckCommand(argv: string[]): Promise<number> {
  parse(argv, {}, 'product-etl stack-check');
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
