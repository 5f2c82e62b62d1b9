import { installRuntime } from '../worker';
import { benchCommand } from './commands/bench';
import { cancelCommand } from './commands/cancel';
import { demoCommand } from './commands/demo';
import { devServerCommand } from './commands/devServer';
import { historyCommand } from './commands/history';
import { migrateCommand } from './commands/migrate';
import { pauseCommand } from './commands/pause';
import { replayCommand } from './commands/replay';
import { resumeCommand } from './commands/resume';
import { scheduleCommand } from './commands/schedule';
import { seedDemoCommand } from './commands/seedDemo';
import { setBatchSizeCommand } from './commands/setBatchSize';
import { stackCheckCommand } from './commands/stackCheck';
import { statusCommand } from './commands/status';
import { syncCommand } from './commands/sync';
import { workerCommand } from './commands/worker';
import { reportError, say } from './output';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  'dev-server': { run: devServerCommand, help: 'start|stop|status the local Temporal dev server (Web UI on 8233)' },
  migrate: { run: migrateCommand, help: 'create the database if missing and run the migrations' },
  worker: { run: workerCommand, help: 'run a worker on task queue product-etl until Ctrl-C' },
  sync: { run: syncCommand, help: 'run the product sync: [--limit N] [--resume|--no-resume] [--dry-run] [--detach]' },
  'stack-check': { run: stackCheckCommand, help: 'round trip through Temporal and MySQL' },
  status: { run: statusCommand, help: 'progress of a run: [--workflow-id ID] [--follow] (live progress bar until it ends)' },
  pause: { run: pauseCommand, help: 'pause a run after its batch in flight: [--workflow-id ID]' },
  resume: { run: resumeCommand, help: 'resume a paused run: [--workflow-id ID]' },
  cancel: { run: cancelCommand, help: 'stop a run after its batch in flight (ends Cancelled): [--workflow-id ID] [--wait]' },
  'set-batch-size': { run: setBatchSizeCommand, help: 'change a running sync\'s batch size from its next batch: N [--workflow-id ID]' },
  history: { run: historyCommand, help: 'a run\'s event history as JSON (as `temporal workflow show --output json`): <workflow-id> [--run-id R]' },
  replay: { run: replayCommand, help: 'replay history JSON files against the current workflow code: <file.json>...' },
  schedule: { run: scheduleCommand, help: 'create|update|describe|pause|unpause|trigger|delete the sync schedule (--every 1h | --cron ...)' },
  demo: { run: demoCommand, help: 'the whole job locally: dev server, migrate, demo data, sync, summary [--rows N]' },
  'seed-demo': { run: seedDemoCommand, help: 'dev/demo only: create products_staging if missing and fill it --rows N' },
  bench: { run: benchCommand, help: 'benchmark the sync against one INSERT ... SELECT statement --rows N' },
};

export function registerCommand(name: string, run: Command, help: string): void {
  COMMANDS[name] = { run, help };
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return ['Usage: product-etl <command> [options]', '', ...Object.entries(COMMANDS).map(([c, { help }]) => `  ${c.padEnd(width)}  ${help}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    say(`error: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  installRuntime();
  try {
    return await command.run(rest);
  } catch (err) {
    return reportError(err);
  }
}
