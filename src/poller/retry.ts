/**
 * Alerts waiting for a retry, for the merchants a tick did not poll: sent when due, one status write each.
 * @module
 */
import { logEvent } from "../log";
import { foldIfLarge, hasDueAlerts, openOutbox, sendAlerts } from "./alerts";
import { exclusive } from "./exclusive";
import { loadRecord, type MerchantRecord } from "./poll";
import { saveStatus } from "./save-status";
import type { Tick } from "./tick-context";

export async function retryAlerts(tick: Tick, records: readonly MerchantRecord[]): Promise<void> {
  if (tick.config.channels.length === 0) return;
  for (const planned of records) {
    if (tick.outbound.remaining === 0) return;
    const mchid = planned.merchant.mchid;
    try {
      // Not beside a poll of the same merchant in this isolate, which would send the same entries.
      await exclusive(mchid, async (waited) => {
        const record = waited ? await loadRecord(tick.store, planned.merchant, tick.now) : planned;
        const open = await openOutbox(tick.store, mchid, record.deliveries);
        if (!hasDueAlerts(tick, open)) return;
        await sendAlerts(tick, open);
        await foldIfLarge(tick.store, open, tick.now);
        await saveStatus(tick.store, mchid, { state: record.state, deliveries: open.deliveries }, record.rev, tick.now);
      });
    } catch (error) {
      // One merchant's unreadable outbox (or a failed read) must not hold up the others' retries.
      logEvent("retry", { mchid, outcome: "error", message: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    }
  }
}
