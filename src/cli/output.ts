import { UserFacingError } from '../errors';

/** stdout carries results (summaries, JSON); stderr carries progress and errors. */
export const say = (line: string): void => {
  process.stderr.write(line + '\n');
};
export const print = (line: string): void => {
  process.stdout.write(line + '\n');
};

/** Failures from the Temporal client carry the real message in `cause` chains; find the most useful one. */
function deepestMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  let msg = e?.message ?? String(err);
  for (let i = 0; i < 5 && e?.cause; i++) {
    e = e.cause as typeof e;
    if (e?.message) msg = e.message;
  }
  return msg;
}

/** Prints an error as a person can act on it, and returns the exit status. Stack traces only with DEBUG=1. */
export function reportError(err: unknown): number {
  if (err instanceof UserFacingError) {
    say(`error: ${err.message}`);
    if (err.hint) say(`  ${err.hint.split('\n').join('\n  ')}`);
    if (process.env.DEBUG) say(String(err.stack));
    return 2;
  }
  say(`error: ${deepestMessage(err)}`);
  if (process.env.DEBUG) say(String((err as Error)?.stack ?? err));
  else say('  (set DEBUG=1 for the stack trace)');
  return 1;
}
