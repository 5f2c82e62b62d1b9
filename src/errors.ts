/**
 * Errors that a person can act on. The command line prints `message` and `hint`, never a stack trace;
 * everything else is a bug and is printed with its stack only when DEBUG is set.
 */
export class UserFacingError extends Error {
  constructor(
    message: string,
    /** What to do about it, in one sentence. */
    public readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid flags, input or environment: retrying cannot help. */
export class ConfigError extends UserFacingError {}

/** MySQL/MariaDB cannot be reached or refuses us. */
export class DatabaseUnavailableError extends UserFacingError {}

/** The Temporal server (or a worker, for a query or an update) cannot be reached. */
export class TemporalUnavailableError extends UserFacingError {}

/** What a command was pointed at does not exist: a namespace, a workflow, a schedule, or an active run to act on. */
export class NotFoundError extends UserFacingError {}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
