/**
 * The one serializer of the list (`GET /api/complaints`): the body as UTF-8 bytes, put together from each row's own
 * JSON, which is written and encoded once per row of a view (and its `raw` once per complaint) and kept as long as the
 * view lives. A list request then copies bytes: `JSON.stringify` of 100 complaints and the UTF-8 encoding of the
 * result (their text is mostly Chinese) were most of its CPU, and one view serves every request until a poll or a
 * mark. Each item is, byte for byte, `JSON.stringify` of the complaint as the API shows it (`raw` last, left out
 * unless asked for).
 * @module
 */
import type { Page } from "./query";
import { type Row, servedRow } from "./view";

const encoder = new TextEncoder();

const CLOSE = encoder.encode("}");
const COMMA = encoder.encode(",");
const OPEN_LIST = encoder.encode('{"complaints":[');

/** Each row's `{…}` without `raw` and its closing brace; kept per row (a view's rows are new when it is). */
const items = new WeakMap<Row, Uint8Array>();
/** Each complaint's `,"raw":{…}}`; kept per complaint, which outlives the views of one snapshot. */
const rawTails = new WeakMap<object, Uint8Array>();

function itemBytes(row: Row): Uint8Array {
  let bytes = items.get(row);
  if (bytes === undefined) {
    const { raw: _raw, ...lean } = servedRow(row);
    const json = JSON.stringify(lean);
    bytes = encoder.encode(json.slice(0, -1));
    items.set(row, bytes);
  }
  return bytes;
}

function rawTail(row: Row): Uint8Array {
  let bytes = rawTails.get(row.complaint);
  if (bytes === undefined) {
    const raw = JSON.stringify(row.complaint.raw) as string | undefined;
    bytes = raw === undefined ? CLOSE : encoder.encode(`,"raw":${raw}}`);
    rawTails.set(row.complaint, bytes);
  }
  return bytes;
}

/** `{"complaints":[…],"count","total","next_cursor","updated_at"}` for `page`, each complaint with its `raw` when asked. */
export function listBody(page: Page, raw: boolean, updatedAt: string | null): Uint8Array<ArrayBuffer> {
  const n = page.rows.length;
  const chunks: Uint8Array[] = [OPEN_LIST];
  for (let i = 0; i < n; i++) {
    const row = page.rows[i] as Row;
    if (i > 0) chunks.push(COMMA);
    chunks.push(itemBytes(row), raw ? rawTail(row) : CLOSE);
  }
  const rest = `],"count":${n},"total":${page.total},"next_cursor":${JSON.stringify(page.next_cursor)},"updated_at":${JSON.stringify(updatedAt)}}`;
  chunks.push(encoder.encode(rest));
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const body = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
