import { describe, expect, it } from "vitest";
import { FAILING_MERCHANT, newsOf, PUBLIC_URL, testChannel } from "../../../test/support/alerts";
import { englishSentences } from "../../../test/support/english-check";
import { messageOf } from "../../../test/support/messages";
import { emptyOutbox } from "../../domain/outbox";
import { markdownText, plainText } from "../render";
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
    const m = messageOf(notice(), PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "投诉查询连续失败 3 次：请运行 npm run doctor 检查 · 测试商户",
        "商户：测试商户（100）",
        "投诉查询连续失败，新投诉可能无法及时提醒。请在部署用的电脑上运行 npm run doctor：它会说明要改什么。",
        "连续失败：3 次",
        "最近错误：PAYJS 拒绝了查询（upstream_error）",
        "出错时间：2026-11-08 12:00:00",
        "上次成功：2026-11-07 09:00:00",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/");
  });

  it("Should say 从未成功 for a merchant that never succeeded, and escape the error in markdown", () => {
    const m = messageOf(
      notice({
        ...FAILING_MERCHANT,
        last_success_at: null,
        last_error: {
          code: "upstream_error",
          message: "PAYJS refused: <html>[x](y)",
          said: "<html>[x](y)",
          at: "2026-11-08T04:00:00.000Z",
        },
      }),
      null,
    );
    expect(m.text).toContain("上次成功：从未成功");
    expect(m.markdown).toContain("**最近错误**：PAYJS 拒绝了查询：＜html＞［x］（y）（upstream_error）");
    expect(m.link).toBeNull();
  });

  it("Should show PAYJS's own words on one line, as the client kept them (200 characters at most)", () => {
    const said = `第一行\n${"错".repeat(196)}`;
    const error = { code: "upstream_error", message: `PAYJS refused: ${said}`, said, at };
    const m = messageOf(notice({ ...FAILING_MERCHANT, last_error: error }), null);
    expect(m.text).toContain(`\n最近错误：PAYJS 拒绝了查询：第一行 ${"错".repeat(196)}（upstream_error）\n`);
  });

  it("Should hold no English sentence and name npm run doctor, whatever the error", () => {
    const errors = [
      { code: "upstream_error", message: "PAYJS refused: 签名错误，请检查通信密钥", said: "签名错误，请检查通信密钥", at },
      { code: "network", message: "fetch failed: connect ECONNREFUSED 203.0.113.7:443 (network is unreachable)", at },
    ];
    const texts = errors.map((last_error) => {
      const m = messageOf(notice({ ...FAILING_MERCHANT, next_poll_at: "2026-11-08T04:30:00.000Z", last_error }), PUBLIC_URL);
      for (const variant of [plainText(m), markdownText(m)]) {
        expect(englishSentences(variant), variant).toEqual([]);
        expect(variant).not.toContain("refused");
        expect(variant).not.toContain("fetch failed");
      }
      expect(m.title).toContain("npm run doctor");
      expect(m.text).toContain("npm run doctor");
      expect(m.text).toContain("下次查询：11月8日 12:30");
      return m.text;
    });
    // PAYJS's own words, and what a network error means, in Chinese; the code beside.
    expect(texts[0]).toContain("最近错误：PAYJS 拒绝了查询：签名错误，请检查通信密钥（upstream_error）");
    expect(texts[1]).toContain("最近错误：连不上 PAYJS（网络或域名解析出错）（network）");
  });
});
