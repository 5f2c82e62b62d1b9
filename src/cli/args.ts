import { parseArgs, ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into a message and the command's usage. */
export function parse<T extends Options>(argv: string[], options: T, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals, allowNegative: true });
  } catch (err) {
    throw new ConfigError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''), `Usage: ${usage}`);
  }
}

export function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}
