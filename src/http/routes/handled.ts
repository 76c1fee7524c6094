/**
 * `PUT` and `DELETE /api/complaints/{id}/handled` (admin): mark a complaint as handled, with an optional note, or
 * take the mark off. The only writers of `handled:{mchid}`; the poller never touches it, so a mark and a poll
 * never overwrite each other.
 * @module
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { type HandledMark, MAX_NOTE, served } from "../../domain/handled";
import { logEvent } from "../../log";
import { changeMarkAndKeep, currentSnapshot } from "../../reader/cache";
import { MarkNotSaved } from "../../reader/marks";
import { findComplaint } from "../../reader/query";
import { HttpError } from "../errors";
import { mchidSet } from "../merchants";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import type { AppEnv } from "../types";

export const handledRoutes = new Hono<AppEnv>();

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

/** Marks the complaint (`note`) or un-marks it (null), and answers it as the API now shows it. */
async function change(c: Context<AppEnv>, note: string | null): Promise<Response> {
  const config = c.get("config");
  const id = c.req.param("id") as string;
  const mchid = c.req.query("mchid") || null;
  if (mchid !== null && !mchidSet(config).has(mchid)) {
    throw new HttpError(404, "not_found", `mchid ${mchid} is not a configured merchant`);
  }
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0);
  const complaint = findComplaint(snapshot, id, mchid);
  if (complaint === null) throw new HttpError(404, "not_found", `No complaint ${id}`);
  const now = Date.now();
  const mark: HandledMark | null = note === null ? null : { at: new Date(now).toISOString(), note };
  try {
    await changeMarkAndKeep(c.env.COMPLAINTS, complaint.mchid, complaint.id, mark, now);
  } catch (error) {
    const message = error instanceof MarkNotSaved ? error.message : "KV could not be read or written";
    logEvent("handled", { mchid: complaint.mchid, outcome: "error", error: "storage", message });
    throw new HttpError(503, "storage", `The handled mark was not saved: ${message}`);
  }
  c.header("Cache-Control", "no-store");
  return c.json({ complaint: served(complaint, mark) });
}

handledRoutes.put("/complaints/:id/handled", requireRole("admin"), async (c) => change(c, await bodyNote(c)));
handledRoutes.delete("/complaints/:id/handled", requireRole("admin"), (c) => change(c, null));
handledRoutes.all("/complaints/:id/handled", methodNotAllowed("PUT, DELETE"));
