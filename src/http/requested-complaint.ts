/**
 * The complaint a `/api/complaints/{id}/…` route acts on: `{id}` in the path, and `?mchid=` when two merchants
 * could share an id. A 404 names what was not found.
 * @module
 */
import type { Context } from "hono";
import type { Complaint } from "../domain/complaint";
import { currentSnapshot } from "../reader/cache";
import { findComplaint } from "../reader/query";
import { HttpError } from "./errors";
import { mchidSet } from "./merchants";
import type { AppEnv } from "./types";

export async function requestedComplaint(c: Context<AppEnv>): Promise<Complaint> {
  const config = c.get("config");
  const id = c.req.param("id") as string;
  const mchid = c.req.query("mchid") || null;
  if (mchid !== null && !mchidSet(config).has(mchid)) {
    throw new HttpError(404, "not_found", `mchid ${mchid} is not a configured merchant`);
  }
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0);
  const complaint = findComplaint(snapshot, id, mchid);
  if (complaint === null) throw new HttpError(404, "not_found", `No complaint ${id}`);
  return complaint;
}
