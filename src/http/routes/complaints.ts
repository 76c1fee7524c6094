/**
 * `GET /api/complaints`, `/api/complaints.csv` and `/api/complaints/{id}`: served from the snapshot, each
 * complaint with its handled mark (read apart, see reader/marks). The list leaves out each complaint's `raw`
 * unless asked with `?include=raw` (the detail always has it); the two are two URLs, so two ETags. Its body is
 * put together from each complaint's JSON, kept per snapshot (see list-body).
 * @module
 */
import { Hono } from "hono";
import { served } from "../../domain/handled";
import { complaintsCsv } from "../../reader/csv";
import { markFor } from "../../reader/marks";
import { allMatches, findComplaint, pageSlice, parseFilter, parseListQuery } from "../../reader/query";
import { conditional } from "../conditional";
import { servedData } from "../data";
import { HttpError } from "../errors";
import { listBody } from "../list-body";
import { mchidSet } from "../merchants";
import { methodNotAllowed } from "../method-not-allowed";
import type { AppEnv } from "../types";

export const complaintsRoutes = new Hono<AppEnv>();

complaintsRoutes.get("/complaints", async (c) => {
  const config = c.get("config");
  const query = parseListQuery(new URL(c.req.url).searchParams, mchidSet(config));
  const { snapshot, marks, revision } = await servedData(c);
  return conditional(c, revision, () =>
    c.body(listBody(pageSlice(snapshot, query, marks), query.raw, snapshot.updatedAt), 200, { "Content-Type": "application/json" }),
  );
});
complaintsRoutes.all("/complaints", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints.csv", async (c) => {
  const config = c.get("config");
  const filter = parseFilter(new URL(c.req.url).searchParams, mchidSet(config));
  const { snapshot, marks, revision } = await servedData(c);
  return conditional(c, revision, () =>
    c.body(complaintsCsv(allMatches(snapshot, filter, marks)), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="complaints.csv"',
    }),
  );
});
complaintsRoutes.all("/complaints.csv", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints/:id", async (c) => {
  const config = c.get("config");
  const id = c.req.param("id");
  const mchid = c.req.query("mchid") || null;
  if (mchid !== null && !mchidSet(config).has(mchid)) {
    throw new HttpError(404, "not_found", `mchid ${mchid} is not a configured merchant`);
  }
  const { snapshot, marks, revision } = await servedData(c);
  const complaint = findComplaint(snapshot, id, mchid);
  if (complaint === null) throw new HttpError(404, "not_found", `No complaint ${id}`);
  return conditional(c, revision, () => c.json({ complaint: served(complaint, markFor(marks, complaint)) }));
});
complaintsRoutes.all("/complaints/:id", methodNotAllowed("GET, HEAD"));
