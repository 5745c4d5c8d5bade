import { badRequest } from './route.js';

// Page tokens are opaque to clients; here they carry the offset, so a malformed one is detectable (ALG-011) and
// next/prev tokens are symmetric (ALG-015).
export const encodePageToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

export function decodePageToken(token: string): number | undefined {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface Page<T> {
  items: T[];
  next_page_token: string;
  prev_page_token: string;
  total_size: number;
}

/** Deliberate pagination bugs (mock faults), off unless a handler passes them. */
export interface PaginationQuirks {
  /** The next page starts at this page's last item, so it appears twice. */
  duplicateAcrossPages?: boolean;
  /** prev_page_token points one item past the start of the previous page. */
  wrongPrevToken?: boolean;
  /** A malformed page_token is read as the first page instead of a 400. */
  acceptMalformedToken?: boolean;
  /** page_size is ignored: everything on one page. */
  ignorePageSize?: boolean;
  /** A page that ends exactly with the last item still hands out a next_page_token, to an empty page. */
  trailingEmptyPage?: boolean;
}

/**
 * What `paginate` reads of a list: its length and one slice (the page). An array is one; a store can be one
 * without copying itself into an array per request.
 */
export interface Listing<T> {
  readonly length: number;
  slice(start: number, end: number): T[];
}

/** Cursor pagination over an already filtered and ordered list; `page_size` 0 or absent means the default. */
export function paginate<T>(
  items: Listing<T>,
  query: URLSearchParams,
  limits: { defaultSize: number; maxSize: number } = { defaultSize: 10, maxSize: 100 },
  quirks: PaginationQuirks = {},
): Page<T> {
  const sizeText = query.get('page_size');
  const requested = sizeText === null || sizeText === '' ? 0 : Number(sizeText);
  if (!Number.isInteger(requested) || requested < 0) throw badRequest('page_size must be a non-negative integer');
  const size = quirks.ignorePageSize
    ? Math.max(items.length, 1)
    : Math.min(requested === 0 ? limits.defaultSize : requested, limits.maxSize);
  const token = query.get('page_token');
  const decoded = token ? decodePageToken(token) : 0;
  const offset = decoded === undefined && quirks.acceptMalformedToken ? 0 : decoded;
  if (offset === undefined) throw badRequest('page_token is malformed');
  const nextOffset = quirks.duplicateAcrossPages && size > 1 ? offset + size - 1 : offset + size;
  const prevOffset = Math.max(0, offset - size) + (quirks.wrongPrevToken ? 1 : 0);
  const endsWithLast = offset < items.length && offset + size === items.length;
  const hasNext = offset + size < items.length || (quirks.trailingEmptyPage === true && endsWithLast);
  return {
    items: items.slice(offset, offset + size),
    next_page_token: hasNext ? encodePageToken(nextOffset) : '',
    prev_page_token: offset > 0 ? encodePageToken(prevOffset) : '',
    total_size: items.length,
  };
}
