/**
 * A stand-in for the chat platforms and webhook receivers: records every request and answers each
 * platform's documented success, or a failure where a test asks for one. "监控已启动" (`watcher.started`, the first
 * message after the settings change, so the first tick of every test) is answered but kept apart in {@link started},
 * so the tests of the other events count what they are about.
 */
import { vi } from "vitest";
import type { PayjsSandbox } from "../../sandbox/payjs-sandbox";
import { UPSTREAM } from "./worker";

export interface Received {
  url: string;
  headers: Headers;
  body: string;
}

const SUCCESS: [RegExp, () => Response][] = [
  [/wecom\.test/, () => Response.json({ errcode: 0, errmsg: "ok" })],
  [/dingtalk\.test/, () => Response.json({ errcode: 0, errmsg: "ok" })],
  [/feishu\.test/, () => Response.json({ code: 0, msg: "success" })],
  [/telegram\.test/, () => Response.json({ ok: true, result: {} })],
  [/serverchan\.test/, () => Response.json({ code: 0, message: "" })],
  [/bark\.test/, () => Response.json({ code: 200, message: "success" })],
  [/pushplus\.test/, () => Response.json({ code: 200, msg: "请求成功", data: "0a1b2c3d" })],
  [/wxpusher\.test/, () => Response.json({ code: 1000, msg: "处理成功", data: [], success: true })],
];

/** Whether a request is a `watcher.started` message: its webhook body, or a chat message's first line. */
function isStarted(body: string): boolean {
  return body.includes('"event":"watcher.started"') || body.includes("监控已启动");
}

export class Receiver {
  readonly received: Received[] = [];
  /** The `watcher.started` messages, apart from {@link received}. */
  readonly started: Received[] = [];
  /** Every request, started or not, in the order they came. */
  readonly all: Received[] = [];
  /** URLs matching this answer 500. */
  failing: RegExp | null = null;

  async fetch(request: Request): Promise<Response> {
    // Decoded by hand: workerd warns on .text() of a form body.
    const body = new TextDecoder().decode(await request.arrayBuffer());
    const received = { url: request.url, headers: request.headers, body };
    (isStarted(body) ? this.started : this.received).push(received);
    this.all.push(received);
    if (this.failing?.test(request.url)) return new Response("down", { status: 500 });
    return SUCCESS.find(([pattern]) => pattern.test(request.url))?.[1]() ?? new Response("ok");
  }

  to(pattern: RegExp): Received[] {
    return this.received.filter((r) => pattern.test(r.url));
  }
}

/** PAYJS calls go to the sandbox, everything else to the receiver. */
export function routeFetch(sandbox: PayjsSandbox, receiver: Receiver) {
  return vi.spyOn(globalThis, "fetch").mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return request.url.startsWith(UPSTREAM) ? sandbox.fetch(request) : receiver.fetch(request);
  });
}
