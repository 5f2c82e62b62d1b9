import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { parse } from '../args';
import { print, say } from '../output';
import { finalOutcome, findSyncRun, requireRunning, workflowIdOf } from './status';

const USAGE = 'product-etl cancel [--workflow-id ID] [--wait]';

/**
 * Requests cancellation, as the UI's Cancel button does: the run stops after the batch in flight has committed or
 * rolled back and ends Cancelled, its watermark at the last committed batch. --wait waits for that and reports it.
 */
export async function cancelCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'workflow-id': { type: 'string' }, wait: { type: 'boolean' } }, USAGE);
  const client = await connectClient(loadTemporalSettings());
  try {
    const run = await findSyncRun(client, workflowIdOf(values));
    requireRunning(run, 'cancel');
    await run.handle.cancel();
    const id = run.description.workflowId;
    if (!values.wait) {
      print(`Cancellation requested for ${id} (run ${run.description.runId}): it stops after the batch in flight and ends Cancelled.`);
      return 0;
    }
    say(`Cancellation requested for ${id} (run ${run.description.runId}); waiting for the batch in flight ...`);
    const outcome = await finalOutcome(run.handle);
    print(outcome.text);
    // A run that finished its last batch before it saw the request ends Completed: still what was asked for.
    return outcome.status === 'CANCELLED' || outcome.status === 'COMPLETED' ? 0 : 1;
  } finally {
    await client.connection.close();
  }
}
