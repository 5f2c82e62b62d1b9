import { act, AddCommand } from '../command';
import { withSyncClient } from '../context';
import { say } from '../output';

/** `history`: the run's event history on stdout, in the Temporal CLI's JSON format, for `replay` or for the record. */
export const addHistoryCommand: AddCommand = (program, exit) => {
  program
    .command('history')
    .description("a run's event history as JSON, as `temporal workflow show --output json` writes it")
    .argument('<workflow-id>', 'the workflow whose history to write')
    .option('--run-id <id>', 'one run of it (default: the latest)')
    .addHelpText('after', '\nExample: npx product-etl history product-sync > history.json')
    .action(act(exit, (workflowId, o) => withSyncClient(async (client) => {
      const history = await client.history(workflowId, o.runId);
      // Written with a callback and awaited: bin/product-etl.js calls process.exit() when the command returns, and
      // stdout to a pipe is asynchronous in Node, so a large history would otherwise be cut off (at 64 KiB).
      const { historyToCliJson } = await import('../../client/historyJson');
      const text = historyToCliJson(history) + '\n';
      await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
      say(`Wrote ${history.events?.length ?? 0} events of ${workflowId}${o.runId ? ` run ${o.runId}` : ' (latest run)'}.`);
      return 0;
    })));
};
