import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { pauseSignal } from '../../workflows/definitions';
import { parse } from '../args';
import { print } from '../output';
import { findSyncRun, requireRunning, workflowIdOf } from './status';

const USAGE = 'product-etl pause [--workflow-id ID]';

/** Sends the `pause` signal: the run finishes the batch in flight, then waits (holding no worker slot) for `resume`. */
export async function pauseCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'workflow-id': { type: 'string' } }, USAGE);
  const client = await connectClient(loadTemporalSettings());
  try {
    const run = await findSyncRun(client, workflowIdOf(values));
    requireRunning(run, 'pause');
    await run.handle.signal(pauseSignal);
    const id = run.description.workflowId;
    print(`Paused ${id} (run ${run.description.runId}): the batch in flight finishes, then the run waits.`);
    print(`Resume it with \`npx product-etl resume${id === 'product-sync' ? '' : ` --workflow-id ${id}`}\`.`);
    return 0;
  } finally {
    await client.connection.close();
  }
}
