import { logSettings } from '../logging/settings';
import { runCommandLine } from './program';

/**
 * Commands that run a Temporal worker (or replay histories) in this process. Only these load @temporalio/worker and
 * install its runtime: the others talk to Temporal through @temporalio/client alone, which needs no runtime, and start
 * in a fraction of the time (docs/operations.md, "Start time and CLI latency").
 */
export function needsWorkerRuntime(action: { name(): string; opts(): Record<string, unknown> }): boolean {
  switch (action.name()) {
    case 'worker': case 'demo': case 'bench': case 'stack-check': case 'replay': return true;
    case 'sync': return action.opts().withWorker === true;
    default: return false;
  }
}

/**
 * The entry point of bin/product-etl.js: the command line, with the Temporal runtime set up for a command that runs a
 * worker. The runtime is installed once per process, so the SDK's metrics port is opened here, and only for the
 * long-running worker, which also logs at INFO by default (a line per batch); other commands log warnings and errors only.
 */
export async function main(argv: string[]): Promise<number> {
  let flushRuntimeLogs: (() => void) | undefined;
  const code = await runCommandLine(argv, async (action) => {
    if (!needsWorkerRuntime(action)) {
      // No runtime to install, but a bad LOG_LEVEL or LOG_FORMAT is still refused up front, as for every command.
      logSettings(process.env, process.stderr.isTTY === true);
      return;
    }
    const [{ observabilityAddresses }, runtime] = await Promise.all([import('../observability/address'), import('../worker')]);
    const worker = action.name() === 'worker';
    const sdkMetricsAddr = worker ? observabilityAddresses(process.env, action.opts().metricsAddr as string | undefined).sdkMetrics : undefined;
    runtime.installRuntime({ sdkMetricsAddr, defaultLogLevel: worker ? 'INFO' : 'WARN' });
    flushRuntimeLogs = runtime.flushRuntimeLogs;
  });
  // bin/ exits the process next: the native core's last lines must be written first.
  flushRuntimeLogs?.();
  return code;
}
