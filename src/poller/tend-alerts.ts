/**
 * The merchants a tick did not poll: reminders and the daily digest queued when their time has come, and alerts
 * sent when due, through the same alert session as a poll's. Each writes its outbox only when it changed (queued,
 * dropped or unreadable), and its status only when something was sent: each key at most once.
 * @module
 */
import { logEvent } from "../log";
import { openAlerts } from "./alert-session";
import { exclusive } from "./exclusive";
import { loadRecord, type MerchantRecord } from "./plan";
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
        const alerts = await openAlerts(tick, record.merchant, record.deliveries);
        if ("code" in alerts) {
          logEvent("retry", { mchid, outcome: "error", error: alerts.code, message: alerts.message });
          return;
        }
        await alerts.tell({ added: [], vanished: [], present: null, watcher: null, state: record.state });
        if (await alerts.send()) await saveStatus(store, mchid, { state: record.state, deliveries: alerts.deliveries }, record.rev, now);
      });
    } catch (error) {
      // One merchant's failed read or write must not hold up the others.
      logEvent("retry", { mchid, outcome: "error", message: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    }
  }
}
