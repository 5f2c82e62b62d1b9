import { observabilityAddresses } from '../observability/address';
import { flushRuntimeLogs, installRuntime } from '../worker';
import { runCommandLine } from './program';

/**
 * The entry point of bin/product-etl.js: the command line, with the Temporal runtime set up for a command. The runtime
 * is installed once per process, so the SDK's metrics port is opened here, and only for the long-running worker,
 * which also logs at INFO by default (a line per batch); other commands log warnings and errors only.
 */
export async function main(argv: string[]): Promise<number> {
  let installed = false;
  const code = await runCommandLine(argv, (action) => {
    const worker = action.name() === 'worker';
    const sdkMetricsAddr = worker ? observabilityAddresses(process.env, action.opts().metricsAddr as string | undefined).sdkMetrics : undefined;
    installRuntime({ sdkMetricsAddr, defaultLogLevel: worker ? 'INFO' : 'WARN' });
    installed = true;
  });
  // bin/ exits the process next: the native core's last lines must be written first.
  if (installed) flushRuntimeLogs();
  return code;
}
