/**
 * `PUT` and `DELETE /api/complaints/{id}/replied` and `…/handled` (admin): mark a complaint as answered or as
 * finished, with an optional note, or take the mark off. The only writers of `handled:{mchid}`; the poller never
 * touches it, so a mark and a poll never overwrite each other. Neither mark tells PAYJS anything.
 * @module
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { MARK_KINDS, MAX_NOTE, type Mark, type MarkKind, marksIn } from "../../domain/marks";
import { served } from "../../domain/served";
import { logEvent } from "../../log";
import { changeMarksAndKeep } from "../../reader/cache";
import { MarkNotSaved, markEdit } from "../../reader/marks";
import { HttpError } from "../errors";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import { requestedComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";

export const markRoutes = new Hono<AppEnv>();

/** Far more than a 500-character note needs even with every character escaped; a bigger body is refused unread. */
const MAX_BODY_BYTES = 16 * 1024;

/** A 400 naming what is wrong with a `PUT` body: the note, or the body as a whole. */
function badBody(parameter: "note" | "body", message: string): HttpError {
  return new HttpError(400, "bad_request", message, { parameter });
}

/** The note of a `PUT` body: `{"note":"…"}`, `{}` or an empty body (no note, `""`). */
function readNote(text: string): string {
  if (text.trim() === "") return "";
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badBody("body", 'The body must be JSON: {"note":"…"} (or empty)');
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badBody("body", 'The body must be a JSON object: {"note":"…"}');
  }
  const unknown = Object.keys(body).filter((k) => k !== "note");
  if (unknown.length > 0) throw badBody("body", `Unknown field ${JSON.stringify(unknown[0])}: the body takes only "note"`);
  const { note } = body as { note?: unknown };
  if (note === undefined) return "";
  if (typeof note !== "string") throw badBody("note", "note must be a string");
  const length = [...note].length;
  if (length > MAX_NOTE) throw badBody("note", `note is ${length} characters long; at most ${MAX_NOTE} are kept`);
  return note;
}

async function bodyNote(c: Context<AppEnv>): Promise<string> {
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES)
    throw badBody("body", `The body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw badBody("body", `The body is larger than ${MAX_BODY_BYTES} bytes`);
  return readNote(text);
}

/** Gives the complaint the `kind` mark (`note`) or takes it off (null), and answers it as the API now shows it. */
async function change(c: Context<AppEnv>, kind: MarkKind, note: string | null): Promise<Response> {
  const config = c.get("config");
  const complaint = await requestedComplaint(c);
  const now = Date.now();
  const mark: Mark | null = note === null ? null : { at: new Date(now).toISOString(), note };
  let book: Awaited<ReturnType<typeof changeMarksAndKeep>>["book"];
  try {
    ({ book } = await changeMarksAndKeep(c.env.COMPLAINTS, complaint.mchid, markEdit({ kind, id: complaint.id, mark }), now));
  } catch (error) {
    const message = error instanceof MarkNotSaved ? error.message : "KV could not be read or written";
    logEvent("mark", { mchid: complaint.mchid, kind, outcome: "error", error: "storage", message });
    throw new HttpError(503, "storage", `The ${kind} mark was not saved: ${message}`);
  }
  c.header("Cache-Control", "no-store");
  return c.json({ complaint: served(complaint, marksIn(book, complaint.id), config.deadlines) });
}

for (const kind of MARK_KINDS) {
  const path = `/complaints/:id/${kind}`;
  markRoutes.put(path, requireRole("admin"), async (c) => change(c, kind, await bodyNote(c)));
  markRoutes.delete(path, requireRole("admin"), (c) => change(c, kind, null));
  markRoutes.all(path, methodNotAllowed("PUT, DELETE"));
}
