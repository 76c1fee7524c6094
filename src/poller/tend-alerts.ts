/**
 * The merchants a tick did not poll: reminders and the daily digest queued when their time has come, and
 * alerts sent when due. Each writes its outbox only when it changed (queued, dropped or unreadable), and its
 * status only when something was sent: each key at most once.
 * @module
 */
import { logEvent } from "../log";
import { foldIfLarge, hasDueAlerts, openOutbox, queueAlerts, sendAlerts, writeOutbox } from "./alerts";
import { exclusive } from "./exclusive";
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
        const { merchant, state } = record;
        const open = await openOutbox(store, mchid, record.deliveries);
        if ("code" in open) {
          logEvent("retry", { mchid, outcome: "error", error: open.code, message: open.message });
          return;
        }
        const nothingNew = { newComplaints: [], watcher: null, complaints: null, resolved: [] };
        await queueAlerts(tick, merchant, open, { ...nothingNew, state, lastSuccessAt: state.last_success_at });
        if (open.changed) await writeOutbox(store, open, now);
        if (hasDueAlerts(tick, open) && tick.outbound.remaining > 0) {
          await sendAlerts(tick, open);
          await foldIfLarge(store, open, now);
          await saveStatus(store, mchid, { state, deliveries: open.deliveries }, record.rev, now);
        }
      });
    } catch (error) {
      // One merchant's failed read or write must not hold up the others.
      logEvent("retry", { mchid, outcome: "error", message: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    }
  }
}
