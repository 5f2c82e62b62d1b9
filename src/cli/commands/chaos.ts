import { Command } from '@commander-js/extra-typings';
import { runChaos } from '../../chaos/harness';
import { ChaosOptions, DEFAULT_CHAOS_OPTIONS } from '../../chaos/options';
import { formatReport } from '../../chaos/report';
import { act, AddCommand, OptionsOf, wholeNumberArg } from '../command';
import { print, say } from '../output';

const D = DEFAULT_CHAOS_OPTIONS;
const ABOUT = `
Runs the sync on its own MariaDB, Temporal dev server and worker processes while injecting faults, then checks
every table against the oracle of spec section 6. Defaults: the short version (${D.kills} kills, one of each other fault).
The long version: --rows 30000 --batch-size 50 --kills 24 --freeze 2 --zombies 2 --db-conn-kills 3 --db-restarts 2 --temporal-restarts 2 --concurrent-starts 2`;

const count = (flag: string) => wholeNumberArg(flag, 0, 1000);

const define = (program: Command) =>
  program
    .command('chaos')
    .description('fault harness on its own MariaDB/Temporal/workers, checked against the oracle (docs/reliability.md)')
    .option('--rows <n>', 'staging rows', wholeNumberArg('rows', 100, 5_000_000), D.rows)
    .option('--batch-size <n>', 'batch size', wholeNumberArg('batch-size', 1, 10_000), D.batchSize)
    .option('--seed <s>', 'seed of the data and the fault schedule', wholeNumberArg('seed', 0, 2 ** 31), D.seed)
    .option('--workers <n>', 'worker processes', wholeNumberArg('workers', 1, 8), D.workers)
    .option('--kills <n>', 'worker processes killed (SIGKILL), some of them right before or after a commit', count('kills'), D.kills)
    .option('--freeze <n>', 'workers frozen (SIGSTOP) past their heartbeat timeout', count('freeze'), D.freeze)
    .option('--db-conn-kills <n>', 'database connections killed mid-batch', count('db-conn-kills'), D.dbConnKills)
    .option('--db-restarts <n>', 'MariaDB restarts', count('db-restarts'), D.dbRestarts)
    .option('--temporal-restarts <n>', 'Temporal dev server restarts', count('temporal-restarts'), D.temporalRestarts)
    .option('--zombies <n>', 'zombie workers', count('zombies'), D.zombies)
    .option('--concurrent-starts <n>', 'rounds of simultaneous starts while the run goes on', count('concurrent-starts'), D.concurrentStarts)
    .option('--keep', 'keep the work folder (logs, datadirs) even when everything passed')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', ABOUT);

/** `chaos`: the fault harness (docs/reliability.md). Exit status 0 only when nothing differs from the oracle. */
export const addChaosCommand: AddCommand = (program, exit) => {
  define(program).action(act(exit, chaos));
};

async function chaos({ json, ...flags }: OptionsOf<typeof define>): Promise<number> {
  const o: ChaosOptions = { ...DEFAULT_CHAOS_OPTIONS, ...flags, keep: flags.keep === true };
  // stdout carries the report only (--json must parse): libraries' console chatter (knex prints its connection
  // warnings with console.log while the harness restarts MariaDB) goes to stderr with the progress lines.
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    const report = await runChaos(o, { say });
    print(json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } finally {
    console.log = log;
  }
}
