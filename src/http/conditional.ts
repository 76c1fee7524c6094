/**
 * ETags for data GETs, computed from the stored data's revision and the request URL, so a 304 costs no
 * body to build. `Cache-Control: private, no-cache`: only the caller's browser keeps a copy, and revalidates.
 * @module
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-if-none-match
 */
import type { Context } from "hono";
import { md5 } from "../md5";

const DATA_CACHE_CONTROL = "private, no-cache";

/**
 * The shape of the JSON and CSV answers. It is part of every ETag because the data's revision does not
 * change when a Worker upgrade changes the shape: without it, a client holding the old body would get 304
 * and keep it. Bump it with any change to what an answer contains or how it is written (7: marks and refunds carry
 * `by`).
 */
export const ANSWER_FORMAT = "7";

export function etagFor(revision: string, url: string, format: string = ANSWER_FORMAT): string {
  const { pathname, search } = new URL(url);
  return `"${md5(`${format}\n${revision}\n${pathname}${search}`)}"`;
}

function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/** A 304 when the caller's copy is current; otherwise the body `build` makes, with its ETag. */
export function conditional(c: Context, revision: string, build: () => Response): Response {
  const etag = etagFor(revision, c.req.url);
  const headers = { ETag: etag, "Cache-Control": DATA_CACHE_CONTROL };
  if (matchesIfNoneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  const response = build();
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}
