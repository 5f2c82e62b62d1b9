/**
 * Installs the Temporal runtime with the SDK's Prometheus exporter on a free port, as the worker process does when
 * metrics are on. Import this before anything that installs the runtime (test/support/temporalTestEnv does, at
 * import): the runtime is one per process and is installed once.
 */
import { spawnSync } from 'node:child_process';
import { installRuntime } from '../../src/worker';

// Synchronous on purpose (a module body cannot await): a child process asks the OS for a free port and prints it.
const probe = spawnSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"], { encoding: 'utf8' });
export const SDK_METRICS_PORT = Number(probe.stdout);
if (!Number.isInteger(SDK_METRICS_PORT) || SDK_METRICS_PORT <= 0) throw new Error(`no free port for the SDK metrics: ${probe.stderr}`);

installRuntime({ sdkMetricsAddr: { host: '127.0.0.1', port: SDK_METRICS_PORT } });
