import { installRuntime } from '../worker';
import { runCommandLine } from './program';

/** The entry point of bin/product-etl.js: the command line, with the Temporal runtime set up for a command. */
export function main(argv: string[]): Promise<number> {
  return runCommandLine(argv, installRuntime);
}
