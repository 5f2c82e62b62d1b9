import { observabilityAddresses } from '../observability/address';
import { installRuntime } from '../worker';
import { runCommandLine } from './program';

/**
 * The entry point of bin/product-etl.js: the command line, with the Temporal runtime set up for a command. The runtime
 * is installed once per process, so the SDK's metrics port is opened here, and only for the long-running worker.
 */
export function main(argv: string[]): Promise<number> {
  return runCommandLine(argv, (action) => {
    const sdkMetricsAddr = action.name() === 'worker' ? observabilityAddresses(process.env, action.opts().metricsAddr as string | undefined).sdkMetrics : undefined;
    installRuntime({ sdkMetricsAddr });
  });
}
