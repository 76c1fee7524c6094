/**
 * A merchant's entry of `GET /api/status`, which the `watcher.*` alerts also carry.
 * @module
 */

import type { StoredComplaint } from "./complaint";
import { countUnhandled, type Marks } from "./handled";
import type { Merchant } from "./merchant";
import type { MerchantStatusEntry } from "./notification";
import { isDue, type PollState } from "./poll-state";
import { DAY_MS } from "./time";

/**
 * @param marks the merchant's handled marks; without them (a caller that did not read them) the entry has no
 * `complaints_unhandled` rather than a wrong one.
 */
export function statusEntry(
  merchant: Merchant,
  state: PollState | null,
  complaints: readonly StoredComplaint[],
  now: number,
  marks?: Marks,
): MerchantStatusEntry {
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    last_attempt_at: state?.last_attempt_at ?? null,
    last_success_at: state?.last_success_at ?? null,
    next_poll_at: state === null || isDue(state, now) ? null : state.next_poll_at,
    consecutive_failures: state?.consecutive_failures ?? 0,
    last_error: state?.last_error ?? null,
    complaints_total: complaints.length,
    complaints_active: complaints.filter((c) => c.active).length,
    ...(marks === undefined ? {} : { complaints_unhandled: countUnhandled(complaints, marks) }),
    signature: state?.signature ?? { result: null, scheme: null, checked_at: null },
  };
}

/** How long the status tells that a merchant's complaints were rebuilt. */
const REBUILT_SHOWN_MS = 7 * DAY_MS;

/** The status's word that the stored complaints could not be read and were rebuilt, for a week after (else none). */
export function rebuiltNotice(state: PollState | null, now: number): { code: "storage_rebuilt"; message: string; at: string }[] {
  const rebuilt = state?.rebuilt ?? null;
  if (rebuilt === null || now - Date.parse(rebuilt.at) > REBUILT_SHOWN_MS) return [];
  return [
    {
      code: "storage_rebuilt",
      message: `The stored complaints could not be read: set aside as ${rebuilt.aside} and rebuilt from PAYJS's answer; complaints PAYJS no longer lists were lost with it`,
      at: rebuilt.at,
    },
  ];
}
