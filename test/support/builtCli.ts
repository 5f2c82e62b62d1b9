import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');

/**
 * bin/ runs dist/: compile it when any source is newer (type errors are the type check's business, not a test's), then
 * bundle the workflow code again when the bundle no longer matches it, as `npm run build` does (the worker refuses a
 * stale bundle).
 */
export function buildIfStale(): void {
  compileIfStale();
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-workflow-bundle.js'), '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the workflow bundle could not be built: ${r.stdout}${r.stderr}`);
}

function compileIfStale(): void {
  const entry = join(ROOT, 'dist/src/cli/main.js');
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true })
    .reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : e.name.endsWith('.ts') ? statSync(join(dir, e.name)).mtimeMs : 0), 0);
  const before = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'migrations'))) <= before) return;
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(entry) || statSync(entry).mtimeMs <= before) throw new Error(`npm run build did not write dist/: ${r.stdout}${r.stderr}`);
}

/**
 * Runs `product-etl <args>` as a user would, collecting stdout and stderr together; `nodeFlags` go to node before the
 * script (`node --flag bin/product-etl.js ...`). `onSpawn` is handed the child as soon as it starts.
 */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 180_000,
  { nodeFlags = [], onSpawn }: { nodeFlags?: string[]; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'bin/product-etl.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** A `product-etl` process the test talks to while it runs: its output so far, a wait for a line, and its exit. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output matches `pattern`; rejects after `timeoutMs` or when the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin/product-etl.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  let closed = false;
  void exited.finally(() => (closed = true));
  return {
    child,
    output: () => out,
    exited,
    async waitFor(pattern, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (closed) throw new Error(`product-etl ${args.join(' ')} exited before printing ${pattern}:\n${out}`);
        if (Date.now() > until) throw new Error(`product-etl ${args.join(' ')} did not print ${pattern} within ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
