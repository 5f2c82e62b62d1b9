import { Command, CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { wholeNumber } from '../client/wholeNumber';

/** Commander ignores what an action returns: each command's exit status is kept here for main() to return. */
export interface ExitStatus {
  code: number;
}

/** Adds a command to the program; `exit` receives its exit status. */
export type AddCommand = (program: Command, exit: ExitStatus) => void;

/**
 * The options of a command as its definition declares them (commander's extra typings infer them from the flags),
 * so a command's code cannot read an option the command does not have.
 */
export type OptionsOf<Define extends (...args: never[]) => { opts(): unknown }> = ReturnType<ReturnType<Define>['opts']>;

/** A command's run function as a commander action that records its exit status. */
export function act<A extends unknown[]>(exit: ExitStatus, run: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    exit.code = await run(...args);
  };
}

/** Parses a whole-number flag, refusing anything else with the flag's name (a ConfigError: exit status 2). */
export const wholeNumberArg = (name: string, min: number, max: number) => (value: string): number => wholeNumber(name, value, min, max) as number;

/** Without --workflow-id, commands act on the active run whoever started it (the command line, a schedule, the UI). */
export const workflowIdOption = (what = 'the workflow to act on', byDefault = 'the active run') => new Option('--workflow-id <id>', `${what} (default: ${byDefault})`);

/**
 * Refuses `--x` and `--no-x` on one command line (a usage error, exit status 2): commander would let the last one
 * win silently, and a script that builds its flags from two places would not notice.
 */
export function refuseContradiction<C extends Pick<CommandUnknownOpts, 'on' | 'error'>>(cmd: C, name: string): C {
  const seen = new Set<string>();
  for (const flag of [name, `no-${name}`]) {
    cmd.on(`option:${flag}`, () => {
      seen.add(flag);
      if (seen.size === 2) cmd.error(`error: --${name} and --no-${name} contradict each other; give one of them`, { exitCode: 2, code: 'product-etl.contradictoryFlags' });
    });
  }
  return cmd;
}
