/**
 * The complaint a `/api/complaints/{id}/…` route acts on: `{id}` in the path, and `?mchid=` when two merchants
 * could share an id; with its merchant. A 404 names what was not found.
 * @module
 */
import type { Context } from "hono";
import type { Complaint } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import { currentSnapshot } from "../reader/cache";
import { findComplaint } from "../reader/query";
import { HttpError } from "./errors";
import { requestedMerchant } from "./merchants";
import type { AppEnv } from "./types";

interface RequestedComplaint {
  complaint: Complaint;
  merchant: Merchant;
}

export async function requestedComplaint(c: Context<AppEnv>): Promise<RequestedComplaint> {
  const config = c.get("config");
  const id = c.req.param("id") as string;
  const mchid = requestedMerchant(c)?.mchid ?? null;
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0);
  const found = findComplaint(snapshot, id, mchid);
  if (found === null) throw new HttpError(404, "not_found", `No complaint ${id}`);
  return found;
}
