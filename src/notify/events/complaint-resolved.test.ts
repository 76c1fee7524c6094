import { describe, expect, it } from "vitest";
import { complaintsNamed, newsOf, PUBLIC_URL, servedComplaint, testChannel } from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import { emptyOutbox } from "../../domain/outbox";
import { markdownText, plainText } from "../render";
import { LIST_SHOWN } from "../text";
import { type EventNotice, queueNews } from "./index";

type ResolvedNotice = Extract<EventNotice, { event: "complaint.resolved" }>;

const at = "2026-11-27T00:00:00.000Z";
const later = "2026-11-27T00:30:00.000Z";
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");
/** Last listed by the poll of 2026-11-26 23:30 UTC. */
const LAST_SEEN = "2026-11-26T23:30:00.000Z";
const goneOnes = (...ids: string[]) => complaintsNamed(...ids).map((c) => ({ ...c, last_seen_at: LAST_SEEN, active: false }));

describe("complaint.resolved: queued", () => {
  it("Should queue one webhook message per complaint gone and one chat message per merchant and poll", () => {
    const outbox = emptyOutbox();
    const gone = goneOnes("a", "b");
    expect(queueNews(outbox, newsOf(at, { gone }), [chat, hook])).toBe(true);
    expect(outbox.entries.map((e) => [e.id, e.event, e.complaint_ids, e.notification?.kind])).toEqual([
      [`chat|resolveds:${at}`, "complaint.resolved", [`a@${LAST_SEEN}`, `b@${LAST_SEEN}`], "resolved_list"],
      [`hook|resolved:a@${LAST_SEEN}`, "complaint.resolved", [`a@${LAST_SEEN}`], "resolved"],
      [`hook|resolved:b@${LAST_SEEN}`, "complaint.resolved", [`b@${LAST_SEEN}`], "resolved"],
    ]);
  });

  it("Should give a webhook the complaint whole and a chat channel without raw", () => {
    const outbox = emptyOutbox();
    const [gone] = goneOnes("a").map((c) => ({ ...c, raw: { complaint_id: "a", extra: "kept for webhooks" } }));
    queueNews(outbox, newsOf(at, { gone: [gone!] }), [chat, hook]);
    const [list, one] = outbox.entries.map((e) => e.notification as ResolvedNotice);
    expect(list?.kind === "resolved_list" && list.complaints.map((c) => c.raw)).toEqual([{}]);
    expect(one?.kind === "resolved" && one.complaint).toEqual(gone);
  });

  it("Should not tell again of complaints a redone poll finds gone again", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, newsOf(at, { gone: goneOnes("a", "b") }), [chat, hook]);
    expect(queueNews(outbox, newsOf(later, { gone: goneOnes("a", "b") }), [chat, hook])).toBe(false);
  });

  it("Should tell of a complaint that came back and is gone again", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, newsOf(at, { gone: goneOnes("a") }), [hook]);
    const again = { ...servedComplaint({ id: "a" }), last_seen_at: "2026-11-27T00:00:00.000Z", active: false };
    expect(queueNews(outbox, newsOf(later, { gone: [again] }), [hook])).toBe(true);
    expect(outbox.entries.map((e) => e.id)).toEqual([`hook|resolved:a@${LAST_SEEN}`, "hook|resolved:a@2026-11-27T00:00:00.000Z"]);
  });
});

describe("complaint.resolved: text", () => {
  it("Should tell one complaint gone: the merchant, the complaint on one line, and its link", () => {
    const [gone] = goneOnes("C1");
    const n: ResolvedNotice = { kind: "resolved", event: "complaint.resolved", at, merchantName: "测试商户", complaint: gone! };
    const m = messageOf(n, PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "投诉已结束 · 测试商户 · 1 条",
        "商户：测试商户（100）",
        "1 条投诉已不在 PAYJS 的投诉列表中：",
        "- 2026-11-08 01:13:29 · 29.90 元 · OT-1 · 商品未收到，请退款",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/#/complaints/100/C1");
  });

  it("Should list at most LIST_SHOWN of a poll's complaints gone, say how many more, and keep their text inert", () => {
    const complaints = Array.from({ length: LIST_SHOWN + 2 }, (_, i) => servedComplaint({ id: `C${i}`, body: "[x](http://evil)" }));
    const n: ResolvedNotice = { kind: "resolved_list", event: "complaint.resolved", at, mchid: "100", merchantName: null, complaints };
    const m = messageOf(n, null);
    expect(m.title).toBe(`投诉已结束 · 100 · ${LIST_SHOWN + 2} 条`);
    expect(m.text.match(/^- /gm)).toHaveLength(LIST_SHOWN);
    expect(m.text).toContain("还有 2 条");
    expect(markdownText(m)).not.toContain("](");
    expect(m.link).toBeNull();
    expect(messageOf(n, PUBLIC_URL).link).toBe("https://watch.example.com/");
  });
});
