/**
 * The text of every message a channel sends, in Chinese (the merchants are Chinese): an event's message as its own
 * file words it (src/notify/events/), the messages quiet hours held as one, and a test message. Pure: no clock, no I/O.
 * @module
 */
import type { Notice } from "../domain/outbox";
import { eventNamed } from "./events";
import { type Block, type Draft, type Message, oneLine, render } from "./render";
import { beijingTime, dashboardLink, linkBlock, listed } from "./text";
import type { SendContext } from "./types";

/** Chat channels: the messages quiet hours held, as one (their titles). */
export interface HeldNotice {
  kind: "held";
  /** The first held message's event. */
  event: string;
  at: string;
  titles: string[];
}

/** `POST /api/notify/test`: a message through a channel whatever its filters. */
export interface TestNotice {
  kind: "test";
  event: "test";
  at: string;
}

function heldDraft(n: HeldNotice, { publicUrl }: SendContext): Draft {
  const link = dashboardLink(publicUrl);
  const blocks: Block[] = [{ kind: "note", text: `免打扰时段内的 ${n.titles.length} 条消息：` }, ...listed(n.titles.map(oneLine))];
  return { title: `免打扰期间 ${n.titles.length} 条消息`, blocks: [...blocks, ...linkBlock("查看", link)], link };
}

function testDraft(n: TestNotice, { publicUrl }: SendContext): Draft {
  const link = dashboardLink(publicUrl);
  const blocks: Block[] = [
    { kind: "note", text: "这是一条测试消息：这个提醒渠道配置正确。" },
    { kind: "field", label: "时间", value: beijingTime(n.at) },
  ];
  return { title: "测试消息 · PAYJS 投诉监控", blocks: [...blocks, ...linkBlock("查看", link)], link };
}

function draftOf(n: Notice, ctx: SendContext): Draft {
  if (n.kind === "held") return heldDraft(n as HeldNotice, ctx);
  if (n.kind === "test") return testDraft(n as TestNotice, ctx);
  const event = eventNamed(n.event);
  if (event === undefined) throw new Error(`no event named ${JSON.stringify(n.event)}`);
  return event.draft(n, ctx);
}

/** A message's title, plain-text body, markdown body and link, as it reads when sent at `ctx.now`. */
export function formatMessage(n: Notice, ctx: SendContext): Message {
  return render(draftOf(n, ctx));
}
