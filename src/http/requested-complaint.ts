/**
 * The complaint a `/api/complaints/{id}/…` route acts on: `{id}` in the path, and `?mchid=` when two merchants
 * could share an id; with its merchant, and where it is kept. A 404 names what was not found.
 * @module
 */
import type { Context } from "hono";
import { ActionError } from "../actions/errors";
import type { Complaint, Move } from "../domain/complaint";
import { historyComplaint } from "../reader/history";
import type { MarksView } from "../reader/marks";
import { findComplaint } from "../reader/query";
import type { MerchantView } from "../reader/snapshot";
import { type ServedData, servedData } from "./data";
import { HttpError } from "./errors";
import { requestedMerchant } from "./merchants";
import type { AppEnv } from "./types";

/** A complaint a read route shows: its merchant's part of the snapshot, its marks, and its moves (when it left PAYJS's list and came back). */
interface ShownComplaint {
  complaint: Complaint;
  view: MerchantView;
  marks: MarksView;
  moves: Move[] | undefined;
  /** `present`: PAYJS lists it, or did in the last week; `history`: kept in a part of the history. */
  kept: "present" | "history";
}

/** The complaint a read route shows, from the present or else the history. @throws HttpError 404 when there is none. */
export async function shownComplaint(c: Context<AppEnv>, data: ServedData): Promise<ShownComplaint> {
  const id = c.req.param("id") as string;
  const mchid = requestedMerchant(c)?.mchid ?? null;
  const { snapshot } = data.view;
  const inPresent = findComplaint(snapshot, id, mchid);
  const found =
    inPresent === null
      ? await historyComplaint(c.env.COMPLAINTS, data, id, mchid, data.now)
      : { complaint: inPresent.complaint, marks: data.marks, moves: undefined };
  const view = found === null ? undefined : snapshot.merchants.find((m) => m.merchant.mchid === found.complaint.mchid);
  if (found === null || view === undefined) throw new HttpError(404, "not_found", `No complaint ${id}`);
  const moves = inPresent === null ? found.moves : view.moves.get(id);
  return { complaint: found.complaint, view, marks: found.marks, moves, kept: inPresent === null ? "history" : "present" };
}

/**
 * @throws ActionError `upgrading` while the merchant's stored complaints are moved to the new layout: a change made
 *   now could be lost in the move.
 */
export async function requestedComplaint(c: Context<AppEnv>): Promise<ShownComplaint> {
  const shown = await shownComplaint(c, await servedData(c));
  const { merchant, upgrading } = shown.view;
  if (upgrading !== null) {
    const message = `Merchant ${merchant.mchid}'s stored complaints are being moved to the new layout (${upgrading.done} done); try again after the next tick or two`;
    throw new ActionError("upgrading", message);
  }
  return shown;
}
