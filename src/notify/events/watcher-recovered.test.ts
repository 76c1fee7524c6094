import { describe, expect, it } from "vitest";
import { FAILING_MERCHANT, newsOf, PUBLIC_URL, testChannel } from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import { emptyOutbox, type Outbox } from "../../domain/outbox";
import { recordAttempt } from "../outbox";
import { plainText } from "../render";
import { queueNews } from "./index";
import type { RecoveredNotice } from "./watcher-recovered";

const T0 = Date.parse("2026-11-08T04:00:00.000Z");
const at = new Date(T0).toISOString();
const later = "2026-11-08T08:00:00.000Z";
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");
const RUN = FAILING_MERCHANT.last_success_at ?? "";
const RECOVERED = { ...FAILING_MERCHANT, consecutive_failures: 0, last_error: null, last_success_at: later };
const recovered = newsOf(later, { watcher: { kind: "recovered", run: RUN, merchant: RECOVERED } });

/** An outbox where `watcher.failing` of the run was queued for chat and hook. */
function failedRun(): Outbox {
  const outbox = emptyOutbox();
  queueNews(outbox, newsOf(at, { watcher: { kind: "failing", run: RUN, merchant: FAILING_MERCHANT } }), [chat, hook]);
  return outbox;
}

describe("watcher.recovered: queued", () => {
  it("Should tell a recovery to a channel that was told of the failures, keyed by their run", () => {
    const outbox = failedRun();
    for (const e of outbox.entries) recordAttempt(outbox, e, { ok: true }, T0);
    expect(queueNews(outbox, recovered, [chat, hook])).toBe(true);
    expect(outbox.entries.map((e) => [e.id, e.state])).toEqual([
      [`chat|failing:${RUN}`, "delivered"],
      [`hook|failing:${RUN}`, "delivered"],
      [`chat|recovered:${RUN}`, "pending"],
      [`hook|recovered:${RUN}`, "pending"],
    ]);
    expect(outbox.entries[3]?.notification).toEqual({ kind: "status", event: "watcher.recovered", at: later, merchant: RECOVERED });
    expect(queueNews(outbox, recovered, [chat, hook])).toBe(false);
  });

  it("Should drop a failure still waiting to be sent instead, and tell no recovery", () => {
    const outbox = failedRun();
    recordAttempt(outbox, outbox.entries[0]!, { ok: true }, T0);
    recordAttempt(outbox, outbox.entries[1]!, { ok: false, code: "timeout", message: "slow" }, T0);
    expect(queueNews(outbox, recovered, [chat, hook])).toBe(true);
    expect(outbox.entries.map((e) => e.id)).toEqual([`chat|failing:${RUN}`, `chat|recovered:${RUN}`]);
  });

  it("Should tell no recovery of failures a channel was never told of, or gave up telling", () => {
    const outbox = failedRun();
    for (let i = 0; i < 6; i++) recordAttempt(outbox, outbox.entries[1]!, { ok: false, code: "timeout", message: "slow" }, T0);
    outbox.entries.splice(0, 1);
    expect(outbox.entries.map((e) => [e.id, e.state])).toEqual([[`hook|failing:${RUN}`, "given_up"]]);
    expect(queueNews(outbox, recovered, [chat, hook])).toBe(false);
  });
});

describe("watcher.recovered: text", () => {
  it("Should say the merchant recovered for watcher.recovered", () => {
    const n: RecoveredNotice = { kind: "status", event: "watcher.recovered", at: later, merchant: RECOVERED };
    const m = messageOf(n, null);
    expect(plainText(m)).toBe(
      ["投诉查询已恢复 · 测试商户", "商户：测试商户（100）", "投诉查询已恢复正常。", "恢复时间：2026-11-08 16:00:00"].join("\n"),
    );
    expect(m.link).toBeNull();
    expect(plainText(messageOf(n, PUBLIC_URL))).toContain("\n查看：https://watch.example.com/");
  });
});
