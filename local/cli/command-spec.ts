/**
 * One definition per command line: the options a command parses, its `--help` text and the synopsis
 * printed with a usage error are all generated from its {@link CommandSpec}, so the three can never
 * list different options. No heavy imports: `--help` must print without loading the clients.
 */
import type { ParseArgsConfig } from 'node:util';

/** One option of a command. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `fail-on`. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** One-letter alias, e.g. `h`. */
  readonly short?: string;
  /** The option may be given more than once (string options only). */
  readonly multiple?: boolean;
  /** Placeholder shown after a string option, e.g. `N`, `FILE`. @default 'VALUE' */
  readonly value?: string;
  /** Shown in the synopsis without brackets. @default false */
  readonly required?: boolean;
  /** The help lines (the first is the summary; more lines continue it). */
  readonly help: string;
}

/** A group of options with a heading, e.g. the credential options shared by the API commands. */
export interface OptionGroup {
  readonly heading: string;
  readonly options: readonly OptionSpec[];
  /** Free text printed under the heading before the options (e.g. the environment variables). */
  readonly preamble?: string;
}

/** A command line, as `--help`, the usage-error synopsis and the parser see it. */
export interface CommandSpec {
  /** How the command is invoked, e.g. `npm run zsa -- scan`. */
  readonly invocation: string;
  /** Positional arguments in the synopsis, e.g. `suggest`. */
  readonly positionals?: string;
  /** Other ways to run it, printed under the synopsis as they are. */
  readonly alternatives?: readonly string[];
  /** What the command does (paragraphs). */
  readonly description: string;
  readonly groups: readonly OptionGroup[];
  /** Text after the options (exit codes, pointers). */
  readonly footer: string;
}

/** The `--help` / `-h` option every command accepts. */
export const HELP_OPTION: OptionSpec = { name: 'help', type: 'boolean', short: 'h', help: 'show this help' };

/** Every option of a spec, `--help` included. */
export function allOptions(spec: CommandSpec): OptionSpec[] {
  const options = spec.groups.flatMap((group) => group.options);
  return options.some((option) => option.name === HELP_OPTION.name) ? options : [...options, HELP_OPTION];
}

/** The node:util `parseArgs` options of a spec. */
export function parseArgsOptions(spec: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    allOptions(spec).map((option) => [
      option.name,
      { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) },
    ]),
  );
}

function optionToken(option: OptionSpec): string {
  const value = option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : '';
  const repeat = option.multiple ? ' ...' : '';
  return `--${option.name}${value}${repeat}`;
}

/** The one-paragraph synopsis: `Usage: <invocation> --account ID [--wait] ...`, wrapped. */
export function synopsis(spec: CommandSpec, width = 100): string {
  const tokens = [
    ...(spec.positionals ? [spec.positionals] : []),
    ...allOptions(spec).map((option) => (option.required ? optionToken(option) : `[${optionToken(option)}]`)),
  ];
  const head = `Usage: ${spec.invocation}`;
  const indent = ' '.repeat(head.length + 1);
  const lines: string[] = [];
  let line = head;
  for (const token of tokens) {
    if (line.length + 1 + token.length > width && line !== head) {
      lines.push(line);
      line = `${indent}${token}`;
    } else {
      line = `${line} ${token}`;
    }
  }
  lines.push(line);
  return [...lines, ...(spec.alternatives ?? []).map((alternative) => `       ${alternative}`)].join('\n');
}

const OPTION_COLUMN = 24;

function optionLines(option: OptionSpec): string[] {
  const label = `  ${option.short ? `-${option.short}, ` : ''}${optionToken(option)}`;
  const [first = '', ...rest] = option.help.split('\n');
  const pad = ' '.repeat(OPTION_COLUMN);
  const head = label.length < OPTION_COLUMN - 1 ? `${label.padEnd(OPTION_COLUMN)}${first}` : `${label}\n${pad}${first}`;
  return [head, ...rest.map((line) => `${pad}${line}`)];
}

/** The full `--help` text of a spec. */
export function helpText(spec: CommandSpec): string {
  const groups = spec.groups.map((group) =>
    [`${group.heading}:`, ...(group.preamble ? [group.preamble] : []), ...group.options.flatMap(optionLines)].join('\n'),
  );
  const hasHelp = spec.groups.some((group) => group.options.some((option) => option.name === HELP_OPTION.name));
  return [synopsis(spec), spec.description, ...groups, ...(hasHelp ? [] : [optionLines(HELP_OPTION).join('\n')]), spec.footer]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

/** What a usage error prints under its one-line message: the synopsis and where the details are. */
export function usageHint(spec: CommandSpec): string {
  return `${synopsis(spec)}\nRun "${spec.invocation} --help" for what each option does.`;
}
