import { installRuntime } from '../worker';
import { devServerCommand } from './commands/devServer';
import { migrateCommand } from './commands/migrate';
import { stackCheckCommand } from './commands/stackCheck';
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
