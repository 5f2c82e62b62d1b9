import { Command, CommanderError } from '@commander-js/extra-typings';
import { addBenchCommand } from './commands/bench';
import { addCancelCommand } from './commands/cancel';
import { addDemoCommand } from './commands/demo';
import { addDevServerCommand } from './commands/devServer';
import { addHistoryCommand } from './commands/history';
import { addMigrateCommand } from './commands/migrate';
import { addPauseCommand } from './commands/pause';
import { addRejectsCommand } from './commands/rejects';
import { addReplayCommand } from './commands/replay';
import { addResumeCommand } from './commands/resume';
import { addScheduleCommand } from './commands/schedule';
import { addSeedDemoCommand } from './commands/seedDemo';
import { addSetBatchSizeCommand } from './commands/setBatchSize';
import { addStackCheckCommand } from './commands/stackCheck';
import { addStatusCommand } from './commands/status';
import { addSyncCommand } from './commands/sync';
import { addWorkerCommand } from './commands/worker';
import { AddCommand, ExitStatus } from './command';
import { reportError } from './output';

/** In the order `--help` lists them: setting up, running, operating, looking back, then dev and test tools. */
const COMMANDS: AddCommand[] = [
  addDevServerCommand, addMigrateCommand, addWorkerCommand, addSyncCommand, addStackCheckCommand,
  addStatusCommand, addPauseCommand, addResumeCommand, addCancelCommand, addSetBatchSizeCommand,
  addHistoryCommand, addReplayCommand, addRejectsCommand, addScheduleCommand, addDemoCommand, addSeedDemoCommand, addBenchCommand,
];

/** Exit status of a usage error (unknown command or option, a missing argument), as for a ConfigError. */
export const USAGE_ERROR = 2;

export function buildProgram(exit: ExitStatus): Command {
  const program = new Command('product-etl')
    .description('Durable, incremental product sync (products_staging -> products) orchestrated by Temporal')
    .usage('<command> [options]')
    // Set before the commands are added, which inherit them: throw instead of exiting, so main() decides the
    // exit status and bin/ drains stdout first; `(run with --help ...)` after each usage error.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  for (const add of COMMANDS) add(program, exit);
  return program;
}

/**
 * Parses `argv` (without node and the script) and runs the command; returns its exit status. Errors are printed as
 * message and hint (reportError); `beforeCommand` runs once the command line has parsed, before the command.
 */
export async function runCommandLine(argv: string[], beforeCommand?: () => void): Promise<number> {
  const exit: ExitStatus = { code: 0 };
  const program = buildProgram(exit);
  if (beforeCommand) program.hook('preAction', beforeCommand);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (err) {
    // Commander has printed its message already; --help and --version end with exit code 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_ERROR;
    return reportError(err);
  }
}
