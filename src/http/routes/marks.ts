/**
 * `PUT` and `DELETE /api/complaints/{id}/replied` and `…/handled` (admin): mark a complaint as answered or as
 * finished, with an optional note, or take the mark off (src/actions/marks.ts). Neither mark tells PAYJS anything.
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { setMark } from "../../actions/marks";
import { monthOfComplaint } from "../../domain/history";
import { MARK_KINDS, MAX_NOTE, type MarkKind, marksIn } from "../../domain/marks";
import { served } from "../../domain/served";
import { keepMarks } from "../../reader/cache";
import { Store } from "../../store";
import { badBody, jsonBody } from "../json-body";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import { requestedComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";

export const markRoutes = new Hono<AppEnv>();

/** Far more than a 500-character note needs even with every character escaped. */
const BODY = { maxBytes: 16 * 1024, fields: ["note"], example: '{"note":"…"}', emptyIsNone: true };

/** The note of a `PUT` body: `{"note":"…"}`, `{}` or an empty body (no note, `""`). */
async function bodyNote(c: Context<AppEnv>): Promise<string> {
  const { note = "" } = await jsonBody(c, BODY);
  if (typeof note !== "string") throw badBody("note", "note must be a string");
  const length = [...note].length;
  if (length > MAX_NOTE) throw badBody("note", `note is ${length} characters long; at most ${MAX_NOTE} are kept`);
  return note;
}

/** Gives the complaint the `kind` mark (`note`) or takes it off (null), and answers it as the API now shows it. */
async function change(c: Context<AppEnv>, kind: MarkKind, note: string | null): Promise<Response> {
  const { complaint } = await requestedComplaint(c);
  const now = Date.now();
  const month = monthOfComplaint(complaint);
  const by = c.get("viewer").device?.name ?? null;
  const marks = await setMark(new Store(c.env.COMPLAINTS), { mchid: complaint.mchid, id: complaint.id, month }, kind, { note, by }, now);
  keepMarks(c.env.COMPLAINTS, complaint.mchid, month, marks, now);
  c.header("Cache-Control", "no-store");
  return c.json({ complaint: served(complaint, marksIn(marks.book, complaint.id), c.get("config").deadlines) });
}

for (const kind of MARK_KINDS) {
  const path = `/complaints/:id/${kind}`;
  markRoutes.put(path, requireRole("admin"), async (c) => change(c, kind, await bodyNote(c)));
  markRoutes.delete(path, requireRole("admin"), (c) => change(c, kind, null));
  markRoutes.all(path, methodNotAllowed("PUT, DELETE"));
}
