/**
 * The body of `GET /api/complaints` as UTF-8 bytes, put together from each complaint's own JSON, which is
 * written and encoded once per complaint of a snapshot (`oncePer`) and kept as long as the snapshot lives. A list request
 * then copies bytes: `JSON.stringify` of 100 complaints and the UTF-8 encoding of the result (their text is
 * mostly Chinese) were most of its CPU, and the same snapshot serves every request until the next poll.
 * Byte for byte what `JSON.stringify` of the answer built from `listPage()` (reader/query) gives.
 * @module
 */
import type { Complaint } from "../domain/complaint";
import { type DeadlineRules, nextDue } from "../domain/deadlines";
import { type ComplaintMarks, type Mark, UNMARKED } from "../domain/marks";
import { lean } from "../domain/served";
import { oncePer } from "../reader/cache";
import { deadlinesFor, type PageSlice } from "../reader/query";

const encoder = new TextEncoder();

const CLOSE = encoder.encode("}");
const COMMA = encoder.encode(",");
const OPEN_LIST = encoder.encode('{"complaints":[');

const NO_DEADLINES: DeadlineRules = { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] };

/** `{"id":…,…,"active":…,`: the complaint as the list shows it, up to its deadlines (which the settings decide). */
const head = oncePer((c: Complaint): Uint8Array => {
  const json = JSON.stringify(lean(c, UNMARKED, NO_DEADLINES));
  return encoder.encode(json.slice(0, json.lastIndexOf(',"deadlines":') + 1));
});

/** `,"raw":{…}}`: the rest of the complaint as the detail shows it. */
const rawTail = oncePer((c: Complaint): Uint8Array => {
  const raw = JSON.stringify(c.raw) as string | undefined;
  return raw === undefined ? CLOSE : encoder.encode(`,"raw":${raw}}`);
});

const markText = (mark: Mark | null): string => (mark === null ? "null" : JSON.stringify(mark));

/** `"deadlines":{…},"next_due":…,"replied":…,"handled":…,"refund":…`: what the settings and the marks decide. */
function handlingBytes(c: Complaint, marks: ComplaintMarks, rules: DeadlineRules): Uint8Array {
  const deadlines = deadlinesFor(rules)(c);
  const due = nextDue(c, deadlines, marks);
  const text = `"deadlines":${JSON.stringify(deadlines)},"next_due":${due === null ? "null" : `"${due}"`},"replied":${markText(marks.replied)},"handled":${markText(marks.handled)},"refund":${marks.refund === null ? "null" : JSON.stringify(marks.refund)}`;
  return encoder.encode(text);
}

/**
 * `{"complaints":[…],"count","total","next_cursor","updated_at"}` for `slice`, each complaint with its deadlines and
 * marks and, when `raw`, its `raw`.
 */
export function listBody(slice: PageSlice, raw: boolean, updatedAt: string | null, rules: DeadlineRules): Uint8Array<ArrayBuffer> {
  const n = slice.complaints.length;
  const chunks: Uint8Array[] = [OPEN_LIST];
  for (let i = 0; i < n; i++) {
    const c = slice.complaints[i] as Complaint;
    if (i > 0) chunks.push(COMMA);
    chunks.push(head(c), handlingBytes(c, slice.marks[i] ?? UNMARKED, rules), raw ? rawTail(c) : CLOSE);
  }
  const rest = `],"count":${n},"total":${slice.total},"next_cursor":${JSON.stringify(slice.next_cursor)},"updated_at":${JSON.stringify(updatedAt)}}`;
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
