/** One page of a cursor-paginated list. */
export interface CursorPage<T> {
  readonly items: readonly T[];
  /** Cursor for the next page; null or undefined when the list is complete. */
  readonly nextOffset: string | null | undefined;
}

/**
 * Iterates every item of a `next_offset` list. Stops on a null/empty cursor and, defensively, when the
 * server repeats a cursor it already gave (the loop would never end otherwise).
 */
export async function* iterateCursor<T>(fetchPage: (offset: string | undefined) => Promise<CursorPage<T>>): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let offset: string | undefined;
  for (;;) {
    const page = await fetchPage(offset);
    yield* page.items;
    const next = page.nextOffset;
    if (next === null || next === undefined || next === '' || seen.has(next)) return;
    seen.add(next);
    offset = next;
  }
}

/** One page of a numbered list with a known total. */
export interface NumberedPage<T> {
  readonly items: readonly T[];
  readonly total: number;
}

/**
 * Iterates a `pageNumber`/`pageSize` list (pages start at 1) until `total` items were offered, a page
 * comes back empty, or a page is short.
 */
export async function* iterateNumbered<T>(
  pageSize: number,
  fetchPage: (pageNumber: number) => Promise<NumberedPage<T>>,
): AsyncGenerator<T, void, undefined> {
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await fetchPage(pageNumber);
    yield* page.items;
    if (page.items.length === 0 || page.items.length < pageSize || pageNumber * pageSize >= page.total) return;
  }
}
