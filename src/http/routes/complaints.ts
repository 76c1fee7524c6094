/**
 * `GET /api/complaints`, `/api/complaints.csv` and `/api/complaints/{id}`: served from the view of the snapshot
 * (each complaint with its deadlines and marks, reader/view.ts). The list leaves out each complaint's `raw` unless
 * asked with `?include=raw` (the detail always has it); the two are two URLs, so two ETags.
 * @module
 */
import { Hono } from "hono";
import { served } from "../../domain/served";
import { MINUTE_MS } from "../../domain/time";
import { complaintsCsv } from "../../reader/csv";
import { listBody } from "../../reader/list-body";
import { marksFor } from "../../reader/marks";
import { type Filter, findComplaint, matchingRows, pageOf, parseFilter, parseListQuery } from "../../reader/query";
import { conditional } from "../conditional";
import { servedData } from "../data";
import { HttpError } from "../errors";
import { mchidSet, requestedMerchant } from "../merchants";
import { methodNotAllowed } from "../method-not-allowed";
import type { AppEnv } from "../types";

export const complaintsRoutes = new Hono<AppEnv>();

/**
 * With `overdue=` the answer changes as deadlines pass, without any stored value changing: its ETag changes every
 * minute (a cached copy is at most a minute behind a deadline).
 */
function tagOf(revision: string, filter: Filter, now: number): string {
  return filter.overdue === null ? revision : `${revision}:${Math.floor(now / MINUTE_MS)}`;
}

complaintsRoutes.get("/complaints", async (c) => {
  const query = parseListQuery(new URL(c.req.url).searchParams, mchidSet(c.get("config")));
  const { view, now } = await servedData(c);
  return conditional(c, tagOf(view.revision, query.filter, now), () =>
    c.body(listBody(pageOf(view, query, now), query.raw, view.snapshot.updatedAt), 200, { "Content-Type": "application/json" }),
  );
});
complaintsRoutes.all("/complaints", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints.csv", async (c) => {
  const filter = parseFilter(new URL(c.req.url).searchParams, mchidSet(c.get("config")));
  const { view, now } = await servedData(c);
  return conditional(c, tagOf(view.revision, filter, now), () =>
    c.body(complaintsCsv(matchingRows(view, filter, now)), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="complaints.csv"',
    }),
  );
});
complaintsRoutes.all("/complaints.csv", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints/:id", async (c) => {
  const id = c.req.param("id");
  const mchid = requestedMerchant(c)?.mchid ?? null;
  const { view, marks } = await servedData(c);
  const found = findComplaint(view.snapshot, id, mchid);
  if (found === null) throw new HttpError(404, "not_found", `No complaint ${id}`);
  const { complaint } = found;
  return conditional(c, view.revision, () =>
    c.json({ complaint: served(complaint, marksFor(marks, complaint), c.get("config").deadlines) }),
  );
});
complaintsRoutes.all("/complaints/:id", methodNotAllowed("GET, HEAD"));
