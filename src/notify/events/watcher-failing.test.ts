import { describe, expect, it } from "vitest";
import { FAILING_MERCHANT, newsOf, PUBLIC_URL, testChannel } from "../../../test/support/alerts";
import { emptyOutbox } from "../../domain/outbox";
import { formatMessage } from "../format";
import { plainText } from "../render";
import { queueNews } from "./index";
import type { FailingNotice } from "./watcher-failing";

const at = "2026-11-08T04:00:00.000Z";
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");
/** The run of failures since the last success. */
const RUN = FAILING_MERCHANT.last_success_at ?? "";
const failing = (when = at, run = RUN) => newsOf(when, { watcher: { kind: "failing", run, merchant: FAILING_MERCHANT } });

describe("watcher.failing: queued", () => {
  it("Should queue the merchant's status entry for every channel, keyed by the run of failures", () => {
    const outbox = emptyOutbox();
    expect(queueNews(outbox, failing(), [chat, hook])).toBe(true);
    expect(outbox.entries.map((e) => [e.id, e.event, e.complaint_ids])).toEqual([
      [`chat|failing:${RUN}`, "watcher.failing", []],
      [`hook|failing:${RUN}`, "watcher.failing", []],
    ]);
    expect(outbox.entries[1]?.notification).toEqual({ kind: "status", event: "watcher.failing", at, merchant: FAILING_MERCHANT });
  });

  it("Should tell a run of failures once, and the next run again", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, failing(), [hook]);
    expect(queueNews(outbox, failing("2026-11-08T04:30:00.000Z"), [hook])).toBe(false);
    expect(queueNews(outbox, failing("2026-11-09T04:00:00.000Z", "2026-11-08T06:00:00.000Z"), [hook])).toBe(true);
    expect(outbox.entries.map((e) => e.id)).toEqual([`hook|failing:${RUN}`, "hook|failing:2026-11-08T06:00:00.000Z"]);
  });

  it("Should queue nothing for a recovery", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, newsOf(at, { watcher: { kind: "recovered", run: RUN, merchant: FAILING_MERCHANT } }), [hook]);
    expect(outbox.entries.filter((e) => e.event === "watcher.failing")).toEqual([]);
  });
});

describe("watcher.failing: text", () => {
  const notice = (merchant = FAILING_MERCHANT): FailingNotice => ({ kind: "status", event: "watcher.failing", at, merchant });

  it("Should say failures in a row, the last error and the last success for watcher.failing", () => {
    const m = formatMessage(notice(), PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "投诉监控异常 · 测试商户",
        "商户：测试商户（100）",
        "投诉拉取连续失败，新投诉可能无法及时通知。",
        "连续失败：3 次",
        "最近错误：upstream_error：签名错误",
        "出错时间：2026-11-08 12:00:00",
        "上次成功：2026-11-07 09:00:00",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/");
  });

  it("Should say 从未成功 for a merchant that never succeeded, and escape the error in markdown", () => {
    const m = formatMessage(
      notice({
        ...FAILING_MERCHANT,
        last_success_at: null,
        last_error: { code: "http_error", message: "<html>[x](y)", at: "2026-11-08T04:00:00.000Z" },
      }),
      null,
    );
    expect(m.text).toContain("上次成功：从未成功");
    expect(m.markdown).toContain("**最近错误**：http_error：＜html＞［x］（y）");
    expect(m.link).toBeNull();
  });

  it("Should show an upstream error on one line, cut to 200 code points", () => {
    const error = { code: "http_error", message: `第一行\n${"错".repeat(300)}`, at };
    const m = formatMessage(notice({ ...FAILING_MERCHANT, last_error: error }), null);
    expect(m.text).toContain(`最近错误：http_error：第一行 ${"错".repeat(196)}…\n`);
  });
});
