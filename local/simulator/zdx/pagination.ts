/**
 * ZDX cursor pagination (zdx-api.md §5.1): `limit` items per page, `next_offset` an opaque string
 * to send back as `offset`, null on the last page.
 */
import type { SimulatorConfig } from '../config.js';
import { intQuery, zdxError, type SimRequest } from '../http.js';

/** One page of items and the cursor of the next one. */
export interface Page<T> {
  readonly items: T[];
  readonly nextOffset: string | null;
}

const encode = (index: number): string => Buffer.from(`o:${index}`).toString('base64url');

function decode(offset: string): number | undefined {
  const match = /^o:(\d+)$/.exec(Buffer.from(offset, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** Slices `items` according to the request's `offset` and `limit`. */
export function paginate<T>(request: SimRequest, items: readonly T[], config: SimulatorConfig): Page<T> {
  const limit = intQuery(request, 'limit', { min: 1, max: config.zdx.maxPageLimit }) ?? config.zdx.defaultPageLimit;
  const rawOffset = request.query.get('offset');
  let start = 0;
  if (rawOffset !== null && rawOffset !== '') {
    const decoded = decode(rawOffset);
    if (decoded === undefined) throw zdxError(400, 'BAD_REQUEST', `Query parameter "offset" is not a next_offset this API issued ("${rawOffset}")`);
    start = decoded;
  }
  const end = start + limit;
  return { items: items.slice(start, end), nextOffset: end < items.length ? encode(end) : null };
}
