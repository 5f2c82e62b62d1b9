import { formatCount } from '../../shared/format';
import { Command } from '@commander-js/extra-typings';
import { ConfigError } from '../../errors';
import { act, AddCommand, OptionsOf, workflowIdOption } from '../command';
import { withSyncClient } from '../context';
import { print } from '../output';

const define = (program: Command) =>
  program
    .command('set-partitions')
    .description("change a running sync's partitions per window (K) from its next window (docs/scaling.md)")
    .argument('<k>', 'the new K (the run refuses what is not a whole number from 1 to 32)')
    .addOption(workflowIdOption('the workflow to change'));

/** `set-partitions K`: the `setPartitions` update; the new K applies from the run's next window. */
export const addSetPartitionsCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, setPartitions));
};

async function setPartitions(typed: string, o: OptionsOf<typeof define>): Promise<number> {
  const text = typed.trim();
  // Only text that is not a number at all is refused here: JSON would turn it into null and hide what was typed.
  const k = Number(text);
  if (text === '' || !Number.isFinite(k)) throw new ConfigError(`partitions must be a number (got "${typed}")`, 'Usage: product-etl set-partitions K [--workflow-id ID]');
  return withSyncClient(async (client) => {
    const { run, previous } = await client.setPartitions(k, { workflowId: o.workflowId });
    print(`Partitions of ${run.description.workflowId}: ${formatCount(previous)} -> ${formatCount(k)}, from its next window.`);
    return 0;
  });
}
