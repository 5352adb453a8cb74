/**
 * Argument parsing for `zsa` commands on node:util `parseArgs` (strict: unknown options and stray
 * positionals are usage errors), with one-line messages that name the option and what was wrong.
 */
import { parseArgs } from 'node:util';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { parseArgsOptions, type CommandSpec } from './command-spec.js';

/** A command line the command cannot act on: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends InvalidInputError {
  constructor(message: string) {
    super(message, [message]);
  }
}

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * Parses `argv` against the options of `spec` (which include `--help`). Throws {@link UsageError}
 * for unknown options, missing values and unexpected positionals (unless `positionals` allows that many).
 */
export function parseCommandArgs(argv: readonly string[], spec: CommandSpec, positionals = 0): { values: ParsedValues; positionals: string[] } {
  let parsed: { values: ParsedValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: parseArgsOptions(spec), strict: true, allowPositionals: positionals > 0 }) as {
      values: ParsedValues;
      positionals: string[];
    };
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
  }
  return parsed;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /argument missing|ambiguous/.test(message) ? `${option} needs a value` : `${option} does not take a value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const value = /'([^']*)'/.exec(message)?.[1];
    return value === undefined ? 'unexpected argument' : `unexpected argument "${value}"`;
  }
  return message.split('\n')[0] ?? message;
}

/** A string option's value, or undefined. */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A required string option. */
export function requiredOption(values: ParsedValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

/** A boolean flag. */
export function flag(values: ParsedValues, name: string): boolean {
  return values[name] === true;
}

/** An integer option within [min, max], or `fallback` when absent. */
export function intOption(values: ParsedValues, name: string, range: { min: number; max: number }, fallback: number): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max} (got "${raw}")`);
  }
  return value;
}

/** A string option restricted to `choices`, or `fallback` when absent. */
export function choiceOption<T extends string>(values: ParsedValues, name: string, choices: readonly T[], fallback: T): T {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  const match = choices.find((choice) => choice === value);
  if (!match) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got "${raw}")`);
  return match;
}
