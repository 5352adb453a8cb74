/**
 * Stack-name globs for the include/exclude filters: `*` matches any run of characters, `?` one
 * character, everything else literally (case-sensitive, like CloudFormation stack names).
 */

/** Compiles a glob to an anchored RegExp; regex metacharacters in the glob are literal. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** True when `value` matches at least one of `globs`. */
export function matchesAny(value: string, globs: readonly string[]): boolean {
  return globs.some((glob) => globToRegExp(glob).test(value));
}

/** The first glob of `globs` that `value` matches, for "ignored because ..." messages. */
export function firstMatch(value: string, globs: readonly string[]): string | undefined {
  return globs.find((glob) => globToRegExp(glob).test(value));
}
