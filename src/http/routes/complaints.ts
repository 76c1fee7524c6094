/**
 * `GET /api/complaints`, `/api/complaints.csv` and `/api/complaints/{id}`: served from the view of the snapshot
 * (each complaint with its deadlines and marks, reader/view.ts), and the parts of the history an answer reaches into
 * (reader/history.ts). A view link's key opens the detail alone, without `raw`, mark notes or who (domain/served.ts `viewed`). The list leaves out each complaint's `raw` unless asked with `?include=raw` (the detail always
 * has it); the two are two URLs, so two ETags.
 * @module
 */
import { type Context, Hono } from "hono";
import { served, viewed } from "../../domain/served";
import { MINUTE_MS } from "../../domain/time";
import { complaintsCsv } from "../../reader/csv";
import { allMatches, listPage } from "../../reader/history";
import { listBody } from "../../reader/list-body";
import { marksFor } from "../../reader/marks";
import { type Filter, parseFilter, parseListQuery } from "../../reader/query";
import type { StorageError } from "../../store";
import { conditional } from "../conditional";
import { servedData } from "../data";
import { mchidSet } from "../merchants";
import { methodNotAllowed } from "../method-not-allowed";
import { shownComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";

export const complaintsRoutes = new Hono<AppEnv>();

/**
 * With `overdue=` the answer changes as deadlines pass, without any stored value changing: its ETag changes every
 * minute (a cached copy is at most a minute behind a deadline).
 */
function tagOf(revision: string, filter: Filter, now: number): string {
  return filter.overdue === null ? revision : `${revision}:${Math.floor(now / MINUTE_MS)}`;
}

/** A part of the history that could not be read is left out of the answer, which says so in a header. */
function unread(c: Context<AppEnv>, errors: readonly StorageError[]): void {
  if (errors.length > 0) c.header("X-History-Unreadable", errors.map((e) => e.key).join(", "));
}

complaintsRoutes.get("/complaints", async (c) => {
  const config = c.get("config");
  const query = parseListQuery(new URL(c.req.url).searchParams, mchidSet(config));
  const data = await servedData(c);
  const { value: page, revision, errors } = await listPage(c.env.COMPLAINTS, data, query, config.deadlines, data.now);
  unread(c, errors);
  return conditional(c, tagOf(revision, query.filter, data.now), () =>
    c.body(listBody(page, query.raw, data.view.snapshot.updatedAt), 200, { "Content-Type": "application/json" }),
  );
});
complaintsRoutes.all("/complaints", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints.csv", async (c) => {
  const config = c.get("config");
  const filter = parseFilter(new URL(c.req.url).searchParams, mchidSet(config));
  const data = await servedData(c);
  const { value: rows, revision, errors } = await allMatches(c.env.COMPLAINTS, data, filter, config.deadlines, data.now);
  unread(c, errors);
  return conditional(c, tagOf(revision, filter, data.now), () =>
    c.body(complaintsCsv(rows), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="complaints.csv"',
    }),
  );
});
complaintsRoutes.all("/complaints.csv", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints/:id", async (c) => {
  const data = await servedData(c);
  const { complaint, marks } = await shownComplaint(c, data);
  const shown = c.get("viewer").role === "view" ? viewed : served;
  return conditional(c, `${data.view.revision}:${marks.revision}:${c.get("viewer").role}`, () =>
    c.json({ complaint: shown(complaint, marksFor(marks, complaint), c.get("config").deadlines) }),
  );
});
complaintsRoutes.all("/complaints/:id", methodNotAllowed("GET, HEAD"));
