import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError, CommandUnknownOpts } from '@commander-js/extra-typings';
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
import { addSetPartitionsCommand } from './commands/setPartitions';
import { addStackCheckCommand } from './commands/stackCheck';
import { addStatusCommand } from './commands/status';
import { addSyncCommand } from './commands/sync';
import { addWorkerCommand } from './commands/worker';
import { AddCommand, ExitStatus } from './command';
import { reportError } from './output';

/** In the order `--help` lists them: setting up, running, operating, looking back, then dev and test tools. */
const COMMANDS: AddCommand[] = [
  addDevServerCommand, addMigrateCommand, addWorkerCommand, addSyncCommand, addStackCheckCommand,
  addStatusCommand, addPauseCommand, addResumeCommand, addCancelCommand, addSetBatchSizeCommand, addSetPartitionsCommand,
  addHistoryCommand, addReplayCommand, addRejectsCommand, addScheduleCommand, addDemoCommand, addSeedDemoCommand, addBenchCommand,
];

/** Exit status of a usage error (unknown command or option, a missing argument), as for a ConfigError. */
export const USAGE_ERROR = 2;

/** The package's version: package.json sits above src/cli in the sources and above dist/src/cli in the build. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'product-etl') return pkg.version ?? 'unknown';
    }
  }
  return 'unknown';
}

/** Words in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * The top-level help ends with the options people use most, taken from the commands themselves so they cannot drift:
 * those of `sync`, and the --workflow-id every operating command takes; then the exit statuses.
 */
function epilog(program: CommandUnknownOpts): string {
  const sync = program.commands.find((c) => c.name() === 'sync');
  const help = sync?.createHelp();
  const rows = sync && help ? sync.options.map((o) => `  ${help.optionTerm(o).padEnd(24)} ${wrap(help.optionDescription(o), 80 - 27).join(`\n${' '.repeat(27)}`)}`) : [];
  return [
    '',
    'Options of sync:',
    ...rows,
    '',
    ...wrap('status, pause, resume, cancel, set-batch-size and set-partitions act on the active run, whoever started it (sync, a schedule, the UI); --workflow-id <id> names another. status without an active run shows the most recent one.', 80),
    '',
    ...wrap('Exit status: 0 ok · 1 unexpected error · 2 usage or configuration error · 3 cannot connect or not found · 4 run failed · 5 cancelled · 6 terminated · 7 timed out · 130 Ctrl-C stopped following (the run goes on).', 80),
    '',
    ...wrap('Logging: to stderr, JSON lines (pretty on a terminal); LOG_FORMAT=json|pretty, LOG_LEVEL=TRACE|DEBUG|INFO|WARN|ERROR (default INFO for worker, else WARN). `product-etl <command> --help` shows the options of each command.', 80),
  ].join('\n');
}

export function buildProgram(exit: ExitStatus): Command {
  const program = new Command('product-etl')
    .description('Durable, incremental product sync (products_staging -> products) orchestrated by Temporal')
    .usage('<command> [options]')
    .version(packageVersion(), '-V, --version', 'print the version of product-etl')
    // Set before the commands are added, which inherit them: throw instead of exiting, so main() decides the
    // exit status and bin/ drains stdout first; `(run with --help ...)` after each usage error.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  for (const add of COMMANDS) add(program, exit);
  program.addHelpText('after', () => epilog(program));
  return program;
}

/**
 * Parses `argv` (without node and the script) and runs the command; returns its exit status. Errors are printed as
 * message and hint (reportError); `beforeCommand` runs once the command line has parsed, before the command.
 */
export async function runCommandLine(argv: string[], beforeCommand?: (action: { name(): string; opts(): Record<string, unknown> }) => void | Promise<void>): Promise<number> {
  const exit: ExitStatus = { code: 0 };
  const program = buildProgram(exit);
  if (beforeCommand) program.hook('preAction', (_program, action) => beforeCommand(action));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (err) {
    // Commander has printed its message already; --help and --version end with exit code 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_ERROR;
    return reportError(err);
  }
}
