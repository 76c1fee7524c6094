/**
 * `GET /api/complaints`, `/api/complaints.csv` and `/api/complaints/{id}`: served from the snapshot, each
 * complaint with its deadlines and marks (read apart, see reader/marks). The list leaves out each complaint's `raw`
 * unless asked with `?include=raw` (the detail always has it); the two are two URLs, so two ETags. Its body is
 * put together from each complaint's JSON, kept per snapshot (see list-body).
 * @module
 */
import { Hono } from "hono";
import { served } from "../../domain/served";
import { MINUTE_MS } from "../../domain/time";
import { complaintsCsv } from "../../reader/csv";
import { marksFor } from "../../reader/marks";
import { allMatches, type Filter, findComplaint, pageSlice, parseFilter, parseListQuery } from "../../reader/query";
import { conditional } from "../conditional";
import { servedData } from "../data";
import { HttpError } from "../errors";
import { listBody } from "../list-body";
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
  const config = c.get("config");
  const query = parseListQuery(new URL(c.req.url).searchParams, mchidSet(config));
  const { snapshot, handling, revision } = await servedData(c);
  return conditional(c, tagOf(revision, query.filter, handling.now), () =>
    c.body(listBody(pageSlice(snapshot, query, handling), query.raw, snapshot.updatedAt, handling.rules), 200, {
      "Content-Type": "application/json",
    }),
  );
});
complaintsRoutes.all("/complaints", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints.csv", async (c) => {
  const config = c.get("config");
  const filter = parseFilter(new URL(c.req.url).searchParams, mchidSet(config));
  const { snapshot, handling, revision } = await servedData(c);
  return conditional(c, tagOf(revision, filter, handling.now), () =>
    c.body(complaintsCsv(allMatches(snapshot, filter, handling)), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="complaints.csv"',
    }),
  );
});
complaintsRoutes.all("/complaints.csv", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints/:id", async (c) => {
  const id = c.req.param("id");
  const mchid = requestedMerchant(c)?.mchid ?? null;
  const { snapshot, marks, handling, revision } = await servedData(c);
  const found = findComplaint(snapshot, id, mchid);
  if (found === null) throw new HttpError(404, "not_found", `No complaint ${id}`);
  const { complaint } = found;
  return conditional(c, revision, () => c.json({ complaint: served(complaint, marksFor(marks, complaint), handling.rules) }));
});
complaintsRoutes.all("/complaints/:id", methodNotAllowed("GET, HEAD"));
