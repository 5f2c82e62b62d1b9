import { Command, Option } from '@commander-js/extra-typings';
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

export const workflowIdOption = (what = 'the workflow to act on') => new Option('--workflow-id <id>', `${what} (default: product-sync)`);
