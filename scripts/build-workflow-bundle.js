#!/usr/bin/env node
'use strict';
// `npm run build`'s last step: bundles the compiled workflow code (dist/src/workflows and the workflow interceptors)
// once with the SDK's bundleWorkflowCode, as Temporal recommends for production, into dist/workflow-bundle.js, with
// dist/workflow-bundle.json recording the modules it was built from. The worker loads the bundle and refuses one that
// no longer matches the compiled code (src/workflowBundle.ts, docs/operations.md "The workflow bundle").
// With --if-stale it bundles only when that check fails (the tests' buildIfStale).
const { renameSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'src', 'workflowBundle.js');
const { BUNDLE_FILE, MANIFEST_FILE, WORKFLOWS_ENTRY, WORKFLOW_INTERCEPTOR_MODULES, bundleProblem, currentManifest } = require(compiled);
const { bundleWorkflowCode } = require('@temporalio/worker');

/** Written next to the target and renamed over it: a worker starting meanwhile reads the old bundle or the new one. */
function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function main() {
  if (process.argv.includes('--if-stale') && bundleProblem() === undefined) return;
  const started = Date.now();
  // The manifest is taken before bundling: a compile racing with this build makes the bundle look stale, never fresh.
  const manifest = currentManifest();
  const quiet = { trace() {}, debug() {}, info() {}, warn(m) { process.stderr.write(`bundle: ${m}\n`); }, error(m) { process.stderr.write(`bundle: ${m}\n`); }, log() {} };
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], logger: quiet });
  writeAtomically(BUNDLE_FILE, code);
  writeAtomically(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
  process.stderr.write(`Workflow bundle: ${path.relative(process.cwd(), BUNDLE_FILE)} (${Math.round(code.length / 1024)} KiB, ${Object.keys(manifest.sources).length} modules) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}

main().catch((err) => {
  process.stderr.write(`error: could not bundle the workflow code: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
