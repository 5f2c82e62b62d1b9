import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { ConfigError } from './errors';

/**
 * The workflow code a worker runs, bundled once at build time (`npm run build`, tools/buildWorkflowBundle.ts) as
 * Temporal recommends for production: a worker that loads the bundle starts without webpack, in less time and memory
 * than one that bundles src/workflows at start. The bundle records a fingerprint of the compiled code it was built from,
 * so a worker never runs workflow code older than the code next to it (docs/operations.md, "The workflow bundle").
 */

/** The workflows' entry module: dist/src/workflows/index.js when built, src/workflows/index.ts in a test run. */
export const WORKFLOWS_ENTRY = require.resolve('./workflows');

/**
 * Workflow interceptor modules, bundled with the workflows. A worker that is handed a prebuilt bundle must have been
 * bundled with these (bundleWorkflowCode's workflowInterceptorModules), or runs-by-state is not reported.
 */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('./workflows/runOutcomeInterceptor')];

/** Compiled code has a prebuilt bundle; code run from the TypeScript sources (jest) bundles them at start instead. */
export const RUNNING_FROM_SOURCE = __filename.endsWith('.ts');

/** dist/, the directory above the compiled src/: the bundle and its manifest sit there. */
const DIST = join(__dirname, '..');
export const BUNDLE_FILE = join(DIST, 'workflow-bundle.js');
export const MANIFEST_FILE = join(DIST, 'workflow-bundle.json');

/** What the build recorded: the modules bundled (paths relative to dist/) and the SHA-256 of each. */
export interface BundleManifest {
  entry: string;
  interceptors: string[];
  sources: Record<string, string>;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const fromDist = (file: string) => relative(DIST, file).split(sep).join('/');

/**
 * The project's own modules the bundle is made of: the entry and the interceptors, and every module they require by a
 * relative path, transitively. Read from tsc's CommonJS output, whose require() calls are exactly the runtime imports
 * webpack follows (type-only imports are gone); packages from node_modules change only with `npm ci`, which rebuilds.
 */
export function bundledSources(entries: readonly string[] = [WORKFLOWS_ENTRY, ...WORKFLOW_INTERCEPTOR_MODULES]): string[] {
  const seen = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const resolve = createRequire(file).resolve;
    for (const m of readFileSync(file, 'utf8').matchAll(/\brequire\(["'](\.{1,2}\/[^"']*)["']\)/g)) pending.push(resolve(m[1]));
  }
  return [...seen].sort();
}

/** The manifest of the code as it is now, written by the build next to the bundle. */
export function currentManifest(): BundleManifest {
  return {
    entry: fromDist(WORKFLOWS_ENTRY),
    interceptors: WORKFLOW_INTERCEPTOR_MODULES.map(fromDist),
    sources: Object.fromEntries(bundledSources().map((f) => [fromDist(f), sha256(f)])),
  };
}

/** Why the bundle cannot be used for the code next to it, or undefined when it matches. */
export function bundleProblem(): string | undefined {
  if (!existsSync(BUNDLE_FILE) || !existsSync(MANIFEST_FILE)) return `The prebuilt workflow bundle ${BUNDLE_FILE} is missing.`;
  let built: BundleManifest;
  try {
    built = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as BundleManifest;
  } catch {
    return `The manifest of the prebuilt workflow bundle, ${MANIFEST_FILE}, cannot be read.`;
  }
  const now = currentManifest();
  if (built.entry !== now.entry || JSON.stringify(built.interceptors) !== JSON.stringify(now.interceptors)) {
    return `The prebuilt workflow bundle ${BUNDLE_FILE} was built from other workflow modules than this build has.`;
  }
  // The entry's closure as it is now: a module the code no longer requires drops out, a new one shows as changed.
  const changed = Object.keys({ ...built.sources, ...now.sources }).filter((f) => built.sources[f] !== now.sources[f]).sort();
  if (changed.length > 0) {
    return `The prebuilt workflow bundle ${BUNDLE_FILE} is older than the compiled workflow code: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed since it was built.`;
  }
  return undefined;
}

/**
 * The prebuilt bundle, checked against the compiled workflow code. Refuses (a ConfigError, exit status 2) a bundle that
 * is missing or stale rather than bundling at start: a worker fleet must run the code that was built and replay-tested,
 * and a worker that silently bundles costs webpack's start-up time and memory on every start.
 */
export function prebuiltBundle(): { codePath: string } {
  const problem = bundleProblem();
  if (problem) throw new ConfigError(problem, `Run \`npm run build\` in ${dirname(DIST)}: it compiles the code and bundles the workflows once (docs/operations.md, "The workflow bundle").`);
  return { codePath: BUNDLE_FILE };
}

/** The workflow code a worker or a replay runs: the prebuilt bundle when built, the sources bundled at start in tests. */
export type WorkflowCode =
  | { workflowBundle: { codePath: string } }
  | { workflowsPath: string; interceptors: { workflowModules: string[] } };

export function workerWorkflowCode(): WorkflowCode {
  if (RUNNING_FROM_SOURCE) return { workflowsPath: WORKFLOWS_ENTRY, interceptors: { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES] } };
  return { workflowBundle: prebuiltBundle() };
}
