import { UserFacingError } from '../errors';
import { processLogger, ProcessLogger } from '../logging/logger';
import { exitCodeOfError, isUnreachable } from './exitCodes';

/**
 * LOG_FORMAT=json, set explicitly, makes all of stderr machine-readable: a command's messages, progress lines and
 * errors become log lines too. Without it they stay text for the person reading them, on a pipe as on a terminal
 * (scripts grep `error: `), and only log records (the in-process worker's, the SDK's) are JSON.
 */
export function messagesAsLogLines(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.LOG_FORMAT?.trim().toLowerCase() === 'json';
}

/** The command's own messages as log lines: at least at INFO, whatever LOG_LEVEL, as they are its output. */
function cliLog(): ProcessLogger {
  const log = processLogger();
  return log.child({ component: 'cli' }, log.isLevelEnabled('info') ? {} : { level: 'info' });
}

/** stdout carries results (summaries, JSON); stderr carries progress and errors. */
export const say = (line: string): void => {
  if (messagesAsLogLines()) cliLog().info(line);
  else process.stderr.write(line + '\n');
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

/** Errors of the Temporal client that a person can act on, in the same words as our own. */
function hintOf(err: unknown): string | undefined {
  if ((err as Error)?.name === 'NamespaceNotFoundError') return 'Set TEMPORAL_NAMESPACE (or the profile\'s namespace) to one that exists on this server; the dev server has `default`.';
  if (isUnreachable(err)) return 'The Temporal server stopped answering: check it is up (`npx product-etl dev-server status`) and try again.';
  return undefined;
}

/**
 * An error as one log line: its message and hint (as the text form prints them) and the exit status as fields; the
 * stack trace only for a bug, or when DEBUG asks. Returns the exit status.
 */
export function logError(log: ProcessLogger, err: unknown, prefix = ''): number {
  const code = exitCodeOfError(err);
  const user = err instanceof UserFacingError;
  const hint = user ? err.hint : hintOf(err);
  log.error({ exitCode: code, ...(hint ? { hint } : {}), ...(!user || process.env.DEBUG ? { err } : {}) }, prefix + (user ? err.message : deepestMessage(err)));
  return code;
}

/**
 * Prints an error as a person can act on it, and returns the exit status (src/cli/exitCodes.ts). Stack traces only
 * with DEBUG=1, and for unexpected errors a word that they exist.
 */
export function reportError(err: unknown): number {
  const code = exitCodeOfError(err);
  if (messagesAsLogLines()) return logError(cliLog(), err);
  if (err instanceof UserFacingError) {
    say(`error: ${err.message}`);
    if (err.hint) say(`  ${err.hint.split('\n').join('\n  ')}`);
    if (process.env.DEBUG) say(String(err.stack));
    return code;
  }
  say(`error: ${deepestMessage(err)}`);
  const hint = hintOf(err);
  if (hint) say(`  ${hint}`);
  if (process.env.DEBUG) say(String((err as Error)?.stack ?? err));
  else if (!hint) say('  (set DEBUG=1 for the stack trace)');
  return code;
}
