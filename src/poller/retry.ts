/**
 * The merchants a tick did not poll: reminders and the daily digest queued when their time has come, and
 * alerts sent when due. Each writes its outbox only when it changed (queued, dropped or damaged), and its
 * status only when something was sent or the follow-ups were worked out to a new bound: each key at most once.
 * Before its status's bound (see `nextFollowUp`) a merchant's complaints and handled marks are not read.
 * @module
 */
import type { NextFollowUp } from "../domain/poll-state";
import { logEvent } from "../log";
import { enqueueFollowUps } from "../notify/outbox";
import { foldIfLarge, hasDueAlerts, openOutbox, sendAlerts, writeOutbox } from "./alerts";
import { exclusive } from "./exclusive";
import { followUpsDue, loadFollowUps } from "./follow-ups";
import { loadRecord, type MerchantRecord } from "./poll";
import { saveStatus } from "./save-status";
import type { Tick } from "./tick-context";

export async function tendAlerts(tick: Tick, records: readonly MerchantRecord[]): Promise<void> {
  const { config, store, now } = tick;
  if (config.channels.length === 0) return;
  for (const planned of records) {
    const mchid = planned.merchant.mchid;
    try {
      // Not beside a poll of the same merchant in this isolate, which would send the same entries.
      await exclusive(mchid, async (waited) => {
        const record = waited ? await loadRecord(store, planned.merchant, now) : planned;
        const { state } = record;
        const open = await openOutbox(store, mchid, record.deliveries);
        let bound = state.next_follow_up;
        if (await followUpsDue(config, store, record.merchant, bound, open.outbox, now)) {
          const { followUps, next } = await loadFollowUps(
            config,
            store,
            record.merchant,
            open.outbox,
            null,
            [],
            state.last_success_at,
            now,
          );
          if (enqueueFollowUps(open.outbox, followUps, config.channels)) open.changed = true;
          bound = next;
        }
        if (open.changed) await writeOutbox(store, open, now);
        const send = hasDueAlerts(tick, open) && tick.outbound.remaining > 0;
        if (send) {
          await sendAlerts(tick, open);
          await foldIfLarge(store, open, now);
        }
        // The new bound is kept only once what it assumes queued is stored: after a failed outbox write (thrown
        // above) the status keeps the old one, which made this tick work the follow-ups out and makes the next.
        if (send || !sameBound(bound, state.next_follow_up)) {
          await saveStatus(store, mchid, { state: { ...state, next_follow_up: bound }, deliveries: open.deliveries }, record.rev, now);
        }
      });
    } catch (error) {
      // One merchant's unreadable outbox (or a failed read or write) must not hold up the others.
      logEvent("retry", { mchid, outcome: "error", message: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    }
  }
}

function sameBound(a: NextFollowUp | null, b: NextFollowUp | null): boolean {
  return a === b || (a !== null && b !== null && a.at === b.at && a.settings === b.settings);
}
