/**
 * The last write of a poll or an alert retry: the merchant's status, with what sending did.
 * @module
 */

import { mergeDeliveries } from "../domain/outbox";
import { STATUS, type Status } from "../domain/poll-state";
import { logEvent } from "../log";
import type { Store } from "../store";
import { statusKey, writeTwice } from "../store";

/**
 * Writes the status; if KV refuses, once more after a second. Losing it would lose the record of alerts just
 * sent, and they would go again. A refusal means another invocation (another isolate) wrote the status in
 * that second: its state stands, and the deliveries of both are kept (each entry at its furthest attempt).
 * @param rev the revision of the status this invocation read, to tell whether someone else wrote since.
 * @returns whether the status was written.
 */
export async function saveStatus(store: Store, mchid: string, status: Status, rev: string | null, now: number): Promise<boolean> {
  try {
    await writeTwice(async (again) => {
      if (!again) return store.save(statusKey(mchid), STATUS, status, now);
      const current = await store.load(statusKey(mchid), STATUS);
      const theirs = current.kind === "ok" && current.rev !== rev ? current.value : null;
      const merged = theirs === null ? status : { state: theirs.state, deliveries: mergeDeliveries(theirs.deliveries, status.deliveries) };
      return store.save(statusKey(mchid), STATUS, merged, now);
    });
    return true;
  } catch (error) {
    logEvent("status", {
      mchid,
      outcome: "error",
      error: "storage",
      message: `The status was not saved (${error instanceof Error ? error.message.slice(0, 100) : "unknown"}); alerts sent now may be sent again`,
    });
    return false;
  }
}
