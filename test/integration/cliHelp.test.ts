/**
 * Every command and subcommand answers `--help` in a real `product-etl` process: exit status 0 and a usage text
 * that names each of its options. An unknown command is a usage error (exit status 2) with a suggestion.
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { buildProgram } from '../../src/cli/program';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfStale, ROOT, runCli } from '../support/builtCli';

jest.setTimeout(180_000);

/** Each command's path (e.g. ['schedule', 'create']) and the long flags it declares, from the program itself. */
function commandsOf(cmd: CommandUnknownOpts, path: string[] = []): Array<{ path: string[]; flags: string[] }> {
  return cmd.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [{ path: here, flags: sub.options.map((o) => o.long).filter((l): l is string => l !== undefined) }, ...commandsOf(sub, here)];
  });
}

const commands = commandsOf(buildProgram({ code: 0 }));
const env = { ...process.env, NO_COLOR: '1' };

beforeAll(() => buildIfStale());

describe('product-etl --help', () => {
  it('lists every command of the README', async () => {
    const names = commands.filter((c) => c.path.length === 1).map((c) => c.path[0]);
    expect(names).toEqual(expect.arrayContaining([
      'dev-server', 'migrate', 'worker', 'sync', 'stack-check', 'status', 'pause', 'resume', 'cancel', 'set-batch-size', 'set-partitions',
      'history', 'replay', 'rejects', 'schedule', 'demo', 'seed-demo', 'bench',
    ]));
    expect(names).not.toContain('chaos'); // test tooling: `npm run chaos`, not a product command
    expect(commands.map((c) => c.path.join(' '))).toEqual(expect.arrayContaining([
      'dev-server start', 'dev-server stop', 'dev-server status',
      'schedule create', 'schedule update', 'schedule describe', 'schedule pause', 'schedule unpause', 'schedule trigger', 'schedule delete',
      'migrate status', 'migrate down', 'rejects prune', 'rejects summary', 'rejects list', 'rejects export',
    ]));
    const r = await runCli(['--help'], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: product-etl <command> \[options\]/);
    for (const name of names) expect(r.out).toContain(`  ${name}`);
  });

  it.each(commands.map((c) => [c.path.join(' '), c] as const))('%s --help', async (_name, { path, flags }) => {
    const r = await runCli([...path, '--help'], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: product-etl ${path.join(' ')} `));
    for (const flag of flags) expect(r.out).toContain(flag);
  });

  it('sync --help names the flags of the README table', async () => {
    const r = await runCli(['sync', '--help'], env);
    for (const flag of ['--limit', '--batch-size', '--resume', '--no-resume', '--dry-run', '--lookback', '--detach', '--with-worker', '--workflow-id']) expect(r.out).toContain(flag);
  });
});

describe('flags and help agree with the README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(await runCli([flag], env)).toEqual({ code: 0, out: `${version}\n` });
  });

  it('the top-level help lists the options of sync, --workflow-id of the operating commands, and the exit statuses', async () => {
    const r = await runCli(['--help'], env);
    const epilog = r.out.slice(r.out.indexOf('Options of sync:'));
    for (const flag of ['--limit', '--batch-size', '--no-resume', '--dry-run', '--lookback', '--detach', '--with-worker', '--workflow-id']) expect(epilog).toContain(flag);
    expect(epilog).toMatch(/status, pause, resume, cancel, set-batch-size and set-partitions act\s+on\s+the\s+active run/);
    expect(epilog).toMatch(/130 Ctrl-C/);
    expect(epilog).toContain('LOG_LEVEL');
  });

  it('seed-demo and bench say the default of --rows, as the README does', async () => {
    for (const [command, shown, written] of [['seed-demo', '10000', '10,000'], ['bench', '100000', '100,000']]) {
      const r = await runCli([command, '--help'], env);
      expect(r.out).toMatch(new RegExp(`--rows <n>\\s+.*\\(default: ${shown}\\)`));
      expect(readme).toContain(`\`npx product-etl ${command} [--rows N]\``);
      expect(readme).toMatch(new RegExp(`default ${written}`));
    }
  });

  it('every exit status of the help is in the README table, and stack-check and LOG_LEVEL are documented', () => {
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 130]) expect(readme).toMatch(new RegExp(`^\\| ${code} \\| `, 'm'));
    expect(readme).toContain('`npx product-etl stack-check`');
    expect(readme).toContain('LOG_LEVEL=');
  });

  it('contradictory flags are refused with exit 2, on sync and on the schedule', async () => {
    for (const args of [['sync', '--resume', '--no-resume'], ['sync', '--no-resume', '--resume'], ['schedule', 'create', '--every', '1h', '--no-resume', '--resume']]) {
      const r = await runCli(args, env);
      expect(r.code).toBe(2);
      expect(r.out).toContain('error: --resume and --no-resume contradict each other');
    }
  });
});

describe('usage errors', () => {
  it('an unknown command exits 2 and suggests the nearest one', async () => {
    const r = await runCli(['stauts'], env);
    expect(r.code).toBe(2);
    expect(r.out).toContain("error: unknown command 'stauts'");
    expect(r.out).toContain('Did you mean status?');
  });

  it('a --partitions or set-partitions value out of range exits 2 and says what is allowed', async () => {
    for (const args of [['sync', '--partitions', '0'], ['sync', '--partitions', '33'], ['schedule', 'create', '--every', '1h', '--partitions', 'x']]) {
      const r = await runCli(args, env);
      expect(r.code).toBe(2);
      expect(r.out).toContain(`--partitions must be a whole number from 1 to 32 (got "${args[args.length - 1]}")`);
    }
    const r = await runCli(['set-partitions', 'four'], env);
    expect(r.code).toBe(2);
    expect(r.out).toContain('partitions must be a number (got "four")');
  });

  it('an unknown subcommand and an unknown option exit 2, without a stack trace', async () => {
    for (const args of [['dev-server', 'strat'], ['status', '--folow'], ['schedule', 'pause', '--every', '1h']]) {
      const r = await runCli(args, env);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/^error: /m);
      expect(r.out).not.toMatch(/\n\s+at /);
    }
  });
});
