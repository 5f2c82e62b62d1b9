import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { resumeSignal } from '../../workflows/definitions';
import { parse } from '../args';
import { print } from '../output';
import { findSyncRun, requireRunning, workflowIdOf } from './status';

const USAGE = 'product-etl resume [--workflow-id ID]';

/** Sends the `resume` signal: a paused run takes its next batch. Resuming a run that is not paused changes nothing. */
export async function resumeCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'workflow-id': { type: 'string' } }, USAGE);
  const client = await connectClient(loadTemporalSettings());
  try {
    const run = await findSyncRun(client, workflowIdOf(values));
    requireRunning(run, 'resume');
    await run.handle.signal(resumeSignal);
    print(`Resumed ${run.description.workflowId} (run ${run.description.runId}): it continues with its next batch.`);
    return 0;
  } finally {
    await client.connection.close();
  }
}
