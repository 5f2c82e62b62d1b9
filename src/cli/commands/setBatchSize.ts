import { formatCount } from '../../shared/format';
import { Command } from '@commander-js/extra-typings';
import { ConfigError } from '../../errors';
import { act, AddCommand, OptionsOf, workflowIdOption } from '../command';
import { withSyncClient } from '../context';
import { print } from '../output';

const define = (program: Command) =>
  program
    .command('set-batch-size')
    .description("change a running sync's batch size from its next batch")
    .argument('<size>', 'the new batch size (the run refuses what is not a whole number from 1 to 10000)')
    .addOption(workflowIdOption('the workflow to change'));

/** `set-batch-size N`: the `setBatchSize` update; the new size applies from the run's next batch. */
export const addSetBatchSizeCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, setBatchSize));
};

async function setBatchSize(typed: string, o: OptionsOf<typeof define>): Promise<number> {
  const text = typed.trim();
  // Only text that is not a number at all is refused here: JSON would turn it into null and hide what was typed.
  const size = Number(text);
  if (text === '' || !Number.isFinite(size)) throw new ConfigError(`batch size must be a number (got "${typed}")`, 'Usage: product-etl set-batch-size N [--workflow-id ID]');
  return withSyncClient(async (client) => {
    const { run, previous } = await client.setBatchSize(size, { workflowId: o.workflowId });
    print(`Batch size of ${run.description.workflowId}: ${formatCount(previous)} -> ${formatCount(size)}, from its next batch.`);
    return 0;
  });
}
