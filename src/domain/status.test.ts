import { describe, expect, it } from "vitest";
import { DAY, MINUTE } from "../../test/support/time";
import type { StoredComplaint } from "./complaint";
import { type History, NO_SUMMARY, summaryOf } from "./history";
import type { Merchant } from "./merchant";
import { INITIAL_STATE, type PollState } from "./poll-state";
import { rebuiltNotice, statusEntry } from "./status";

const NOW = Date.parse("2026-11-08T04:00:00.000Z");
const MERCHANT: Merchant = { mchid: "100", key: "k", name: "测试商户" };
const kept = (id: string, active: boolean): StoredComplaint => ({
  id,
  raw: { complaint_id: id },
  first_seen_at: "2026-11-01T00:00:00.000Z",
  last_seen_at: "2026-11-02T00:00:00.000Z",
  active,
});
const COMPLAINTS = [kept("a", true), kept("b", false), kept("c", true), kept("d", false), kept("e", false)];
/** Polled 30 minutes ago, failing, next due in 30 minutes. */
const STATE: PollState = {
  ...INITIAL_STATE,
  last_attempt_at: "2026-11-08T03:30:00.000Z",
  last_success_at: "2026-11-08T02:00:00.000Z",
  next_poll_at: "2026-11-08T04:30:00.000Z",
  consecutive_failures: 2,
  transient_failures: 2,
  last_error: { code: "upstream_timeout", message: "PAYJS did not answer", at: "2026-11-08T03:30:00.000Z" },
  signature: { result: "verified", scheme: "php-sdk", checked_at: "2026-11-08T02:00:00.000Z" },
};

/** Two parts: 1,000 complaints of October, 250 of September, the oldest made 2026-09-01 08:00 Beijing. */
const at = (iso: string) => ({ at: Date.parse(iso), mchid: "100", id: "x" });
const HISTORY: History = {
  next: 2,
  parts: [
    { name: "2026-10.0", count: 1_000, rev: "a", newest: at("2026-10-31T10:00:00+08:00"), oldest: at("2026-10-01T10:00:00+08:00") },
    { name: "2026-09.1", count: 250, rev: "b", newest: at("2026-09-30T10:00:00+08:00"), oldest: at("2026-09-01T08:00:00+08:00") },
  ],
};

describe("statusEntry", () => {
  it("Should show the merchant, its poll state and its counts, in the documented order", () => {
    const entry = statusEntry(MERCHANT, STATE, COMPLAINTS, summaryOf(HISTORY, "r"), NOW);
    expect(Object.keys(entry)).toEqual([
      "mchid",
      "name",
      "last_attempt_at",
      "last_success_at",
      "next_poll_at",
      "consecutive_failures",
      "last_error",
      "complaints_total",
      "complaints_active",
      "history",
      "signature",
    ]);
    expect(entry).toEqual({
      mchid: "100",
      name: "测试商户",
      last_attempt_at: "2026-11-08T03:30:00.000Z",
      last_success_at: "2026-11-08T02:00:00.000Z",
      next_poll_at: "2026-11-08T04:30:00.000Z",
      consecutive_failures: 2,
      last_error: STATE.last_error,
      complaints_total: 5 + 1_250,
      complaints_active: 2,
      history: { complaints: 1_250, parts: 2, oldest_complaint_at: "2026-09-01T08:00:00+08:00" },
      signature: STATE.signature,
    });
  });

  it("Should show a merchant never polled (or whose state could not be read) with nothing but its counts", () => {
    expect(statusEntry({ ...MERCHANT, name: null }, null, [], NO_SUMMARY, NOW)).toEqual({
      mchid: "100",
      name: null,
      last_attempt_at: null,
      last_success_at: null,
      next_poll_at: null,
      consecutive_failures: 0,
      last_error: null,
      complaints_total: 0,
      complaints_active: 0,
      history: { complaints: 0, parts: 0, oldest_complaint_at: null },
      signature: { result: null, scheme: null, checked_at: null },
    });
    expect(statusEntry(MERCHANT, { ...STATE, signature: null }, COMPLAINTS, NO_SUMMARY, NOW).signature).toEqual({
      result: null,
      scheme: null,
      checked_at: null,
    });
  });

  it("Should show no next poll once the merchant is due, 60 s early counting as due", () => {
    const due = Date.parse("2026-11-08T04:30:00.000Z");
    expect(statusEntry(MERCHANT, STATE, COMPLAINTS, NO_SUMMARY, due - MINUTE - 1).next_poll_at).toBe("2026-11-08T04:30:00.000Z");
    expect(statusEntry(MERCHANT, STATE, COMPLAINTS, NO_SUMMARY, due - MINUTE).next_poll_at).toBeNull();
    expect(statusEntry(MERCHANT, STATE, COMPLAINTS, NO_SUMMARY, due + MINUTE).next_poll_at).toBeNull();
  });
});

describe("rebuiltNotice", () => {
  const rebuilt = { ...STATE, rebuilt: { at: "2026-11-08T04:00:00.000Z", aside: "unreadable:complaints:100:1" } };

  it("Should tell for a week that the stored complaints were rebuilt, and where the unreadable value was set aside", () => {
    const notice = rebuiltNotice(rebuilt, NOW + DAY);
    expect(notice).toEqual([{ code: "storage_rebuilt", message: expect.any(String), at: "2026-11-08T04:00:00.000Z" }]);
    expect(notice[0]?.message).toContain("set aside as unreadable:complaints:100:1");
    expect(rebuiltNotice(rebuilt, NOW + 7 * DAY)).toHaveLength(1);
    expect(rebuiltNotice(rebuilt, NOW + 7 * DAY + 1)).toEqual([]);
  });

  it("Should tell nothing of a merchant never rebuilt, or whose state could not be read", () => {
    expect(rebuiltNotice(STATE, NOW)).toEqual([]);
    expect(rebuiltNotice(null, NOW)).toEqual([]);
  });
});
