/**
 * What every `zsa` command receives from the outside world, and the redacting output it writes
 * through. Commands never touch `process` directly: tests run them in-process with captured
 * writers, an injected environment, and a clock and sleep they control.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { setTimeout as delay } from 'node:timers/promises';
import { redact, registerSecret } from '../../lambdas/core/observability/redaction.js';
import { systemClock, type Clock } from '../../lambdas/core/ports.js';
import type { Sleep } from '../../lambdas/core/wait.js';

export type { Sleep };

/** The environment of one command run. */
export interface CliIo {
  /** Environment variables (credentials, base URLs). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Receives stdout text (already redacted, newline-terminated lines). */
  readonly stdout: (text: string) => void;
  /** Receives stderr text (progress and errors, already redacted). */
  readonly stderr: (text: string) => void;
  /** Where `cdk.json` is looked up and relative paths resolve. @default process.cwd() */
  readonly cwd?: string;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default real timers */
  readonly sleep?: Sleep;
  /** Stops waits and HTTP calls (Ctrl+C). */
  readonly signal?: AbortSignal;
  /** AWS clients for `--secrets-from-stack` / `--*-secret-arn` (default: built from the environment). */
  readonly aws?: {
    readonly secretsManager?: SecretsManagerClient;
    readonly cloudFormation?: CloudFormationClient;
  };
}

/** A `zsa` command: arguments after the command name in, exit code out (0 ok, 1 failed check, 2 usage). */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Conventional exit codes. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;

const realSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined);

/** The io's clock and sleep with their defaults. */
export function timing(io: CliIo): { clock: Clock; sleep: Sleep } {
  return { clock: io.clock ?? systemClock, sleep: io.sleep ?? realSleep };
}

/** Registers credential values so no output line can carry them (see observability/redaction.ts). */
export function protectSecrets(...values: ReadonlyArray<string | undefined>): void {
  for (const value of values) {
    if (value) registerSecret(value);
  }
}

/** Symbols of a check line. */
export const Mark = { ok: '✔', failed: '✖', skipped: '–', info: '•' } as const;

/**
 * Writes lines through the redactor: every registered secret value and secret-looking pattern is
 * replaced before the text leaves the process.
 */
export class Output {
  constructor(private readonly io: CliIo) {}

  /** One or more lines on stdout. */
  line(...lines: string[]): void {
    for (const text of lines) this.io.stdout(`${redact(text)}\n`);
  }

  /** One or more lines on stderr (progress, warnings, errors). */
  note(...lines: string[]): void {
    for (const text of lines) this.io.stderr(`${redact(text)}\n`);
  }

  /** A JSON document on stdout (redacted as text: values under secret keys never appear anyway). */
  json(value: unknown): void {
    this.io.stdout(`${redact(JSON.stringify(value, null, 2))}\n`);
  }
}

/**
 * Aligns rows into columns separated by two spaces (the last column is not padded).
 * `indent` prefixes every line.
 */
export function table(rows: ReadonlyArray<readonly string[]>, indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, width(cell));
    });
  }
  return rows.map((row) =>
    `${indent}${row.map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - width(cell)))).join('  ')}`.trimEnd(),
  );
}

/** Display width: every code point counts one column (the marks used here are single-width). */
function width(text: string): number {
  return [...text].length;
}

/** `37.04` -> `37.0%`. */
export function percent(value: number): string {
  return `${(Math.round(value * 10) / 10).toFixed(1)}%`;
}

/** `125_000` ms -> `2 min 5 s`; below a minute `12 s`; below a second `0 s`. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
