/**
 * `GET /api/daily`: complaints per Beijing day, from the counts kept as they arrive (reader/daily.ts).
 * @module
 */
import { Hono } from "hono";
import { beijingDay } from "../../domain/time";
import { dailyRows, parseDailyQuery } from "../../reader/daily";
import { conditional } from "../conditional";
import { servedData } from "../data";
import { mchidSet } from "../merchants";
import { methodNotAllowed } from "../method-not-allowed";
import type { AppEnv } from "../types";

export const dailyRoutes = new Hono<AppEnv>();

dailyRoutes.get("/daily", async (c) => {
  const { view, now } = await servedData(c);
  const query = parseDailyQuery(new URL(c.req.url).searchParams, mchidSet(c.get("config")), now);
  // The default range moves with the day.
  return conditional(c, `${view.snapshot.revision}:${beijingDay(now)}`, () =>
    c.json({ days: dailyRows(view.snapshot, query), updated_at: view.snapshot.updatedAt }),
  );
});
dailyRoutes.all("/daily", methodNotAllowed("GET, HEAD"));
