import { InvalidInputError } from '../errors.js';

/** A query parameter value; arrays become repeated keys (`loc=1&loc=2`, what both Zscaler SDKs send). */
export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number>;
export type Query = Readonly<Record<string, QueryValue>>;
export type PathParams = Readonly<Record<string, string | number>>;

/**
 * Fills `{name}` placeholders of a path template with URL-encoded values. The template itself is the
 * metric-safe endpoint name; the filled path never leaves this module except as the request line.
 */
export function fillPath(template: string, params: PathParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      throw new InvalidInputError(`path parameter "${name}" of ${template} is missing`, [`${name}: required`]);
    }
    return encodeURIComponent(String(value));
  });
}

/** Serializes a query; undefined and null values are left out. Returns '' or '?a=b...'. */
export function buildQuery(query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value as ReadonlyArray<string | number>) search.append(key, String(item));
    } else {
      search.append(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
