/**
 * `GET /api/complaints`, `/api/complaints.csv` and `/api/complaints/{id}`: served from the snapshot.
 * @module
 */
import { Hono } from "hono";
import { complaintsCsv } from "../../reader/csv";
import { allMatches, listPage, parseFilter, parseListQuery } from "../../reader/query";
import { currentSnapshot } from "../../reader/snapshot";
import { conditional } from "../conditional";
import { jsonError } from "../errors";
import { mchidSet } from "../merchants";
import { methodNotAllowed } from "../method-not-allowed";
import type { AppEnv } from "../types";

export const complaintsRoutes = new Hono<AppEnv>();

complaintsRoutes.get("/complaints", async (c) => {
  const config = c.get("config");
  const query = parseListQuery(new URL(c.req.url).searchParams, mchidSet(config));
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0);
  return conditional(c, snapshot.revision, () => {
    const page = listPage(snapshot, query);
    return c.json({
      complaints: page.complaints,
      count: page.complaints.length,
      total: page.total,
      next_cursor: page.next_cursor,
      updated_at: snapshot.updatedAt,
    });
  });
});
complaintsRoutes.all("/complaints", methodNotAllowed("GET, HEAD"));

complaintsRoutes.get("/complaints.csv", async (c) => {
  const config = c.get("config");
  const filter = parseFilter(new URL(c.req.url).searchParams, mchidSet(config));
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0);
  return conditional(c, snapshot.revision, () =>
    c.body(complaintsCsv(allMatches(snapshot, filter)), 200, {
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
    return jsonError(c, 404, "not_found", `mchid ${mchid} is not a configured merchant`);
  }
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0);
  const complaint = snapshot.complaints.find((x) => x.id === id && (mchid === null || x.mchid === mchid));
  if (complaint === undefined) return jsonError(c, 404, "not_found", `No complaint ${id}`);
  return conditional(c, snapshot.revision, () => c.json({ complaint }));
});
complaintsRoutes.all("/complaints/:id", methodNotAllowed("GET, HEAD"));
