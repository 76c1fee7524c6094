/**
 * `npm run setup`'s alert channels (test/support/setup-run.ts runs it): a `--channels` file, or the questions on a
 * terminal that build `NOTIFY_CHANNELS`; either way one test message per channel, sent from this machine through
 * the Worker's own channel code to the platforms (test/support/channel-platforms.ts: WeCom, PushPlus and WxPusher
 * on 127.0.0.1), before anything is deployed; a channel that fails stops setup with exit 1.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ChannelPlatforms, REFUSALS, startChannelPlatforms } from "./support/channel-platforms";
import { englishSentences } from "./support/english-check";
import {
  expectNoKeys,
  newDir,
  ONE,
  SCRIPT,
  secretsOf,
  setup,
  setupOnTerminal,
  single,
  useSetupRuns,
  WORKERS_DEV,
} from "./support/setup-run";

useSetupRuns();

let platforms: ChannelPlatforms;

beforeAll(async () => {
  platforms = await startChannelPlatforms();
});

beforeEach(() => {
  platforms.received.length = 0;
});

afterAll(async () => {
  await platforms?.close();
});

/** A channels file in a new directory (the run's cwd). */
function channelsFile(items: unknown[]): { dir: string; text: string } {
  const dir = newDir("setup-test-");
  const text = `${JSON.stringify(items, null, 2)}\n`;
  writeFileSync(join(dir, "channels.json"), text);
  return { dir, text };
}

function threeChannels(wecomKey = "good-robot-key", pushplusToken = "goodtoken123", appToken = "AT_goodtoken"): unknown[] {
  return [
    { type: "wecom", name: "shop-group", url: platforms.wecomUrl(wecomKey) },
    { type: "pushplus", token: pushplusToken, api_base: platforms.url },
    { type: "wxpusher", app_token: appToken, uids: ["UID_owner"], api_base: platforms.url, merchants: [ONE.mchid] },
  ];
}

function bodies(path: string): Record<string, unknown>[] {
  return platforms.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as Record<string, unknown>);
}

describe("npm run setup: a --channels file", () => {
  it("sends one test message to each channel, lists each as delivered, and deploys the file verbatim", async () => {
    const { dir, text } = channelsFile(threeChannels());
    const run = await setup({ env: single(), args: ["--channels", "channels.json"], dir });
    expect(run.code, run.all).toBe(0);
    expect(platforms.received.map((r) => r.path).sort()).toEqual(["/api/send/message", "/cgi-bin/webhook/send", "/send"]);
    const [wecom] = bodies("/cgi-bin/webhook/send") as [{ msgtype: string; markdown: { content: string } }];
    expect(wecom.msgtype).toBe("markdown");
    expect(wecom.markdown.content).toContain("测试消息");
    expect(bodies("/send")[0]).toMatchObject({ token: "goodtoken123", template: "markdown" });
    expect(bodies("/api/send/message")[0]).toMatchObject({ appToken: "AT_goodtoken", uids: ["UID_owner"], contentType: 3 });
    expect(run.stdout).toContain("✓ shop-group (WeCom group robot): delivered");
    expect(run.stdout).toContain("✓ pushplus1 (PushPlus): delivered");
    expect(run.stdout).toContain("✓ wxpusher2 (WxPusher): delivered");
    expect(run.stdout).toContain("reaches your alert channels within 25 minutes");
    const secrets = secretsOf(run.calls[0]);
    expect(secrets.NOTIFY_CHANNELS).toBe(text);
    for (const secret of [platforms.wecomUrl("good-robot-key"), "good-robot-key", "goodtoken123", "AT_goodtoken"]) {
      expect(run.all).not.toContain(secret);
    }
  });

  it("a channel the platform refuses: exit 1 naming it and the platform's answer, nothing deployed; the others still tried", async () => {
    const { dir } = channelsFile(threeChannels("good-robot-key", "badtoken"));
    const run = await setup({ env: single(), args: ["--channels", "channels.json"], dir });
    expect(run.code, run.all).toBe(1);
    expect(run.calls).toEqual([]);
    expect(platforms.received).toHaveLength(3);
    expect(run.stdout).toContain("✓ shop-group (WeCom group robot): delivered");
    expect(run.stdout).toContain(`✗ pushplus1 (PushPlus): failed; the platform answered: code 903: ${REFUSALS.pushplus.msg}`);
    expect(run.stderr).toContain("the test message to pushplus1 failed; nothing was deployed");
    expect(run.all).not.toMatch(/Read token|Admin token/);
    expectNoKeys(run);
  });

  it("every failing channel is named: a refused robot and an unreachable platform", async () => {
    const items = [
      { type: "wecom", url: platforms.wecomUrl("bad-robot-key") },
      { type: "pushplus", token: "goodtoken123", api_base: "http://127.0.0.1:9" },
    ];
    const { dir } = channelsFile(items);
    const run = await setup({ env: single(), args: ["--channels=channels.json"], dir });
    expect(run.code, run.all).toBe(1);
    expect(run.stdout).toContain(`✗ wecom0 (WeCom group robot): failed; the platform answered: errcode 93000: invalid webhook url`);
    expect(run.stdout).toMatch(/✗ pushplus1 \(PushPlus\): failed; the platform answered: Could not reach pushplus/);
    expect(run.stderr).toContain("the test message to wecom0 and pushplus1 failed");
    expect(run.calls).toEqual([]);
  });

  it("the test message links to PUBLIC_URL when it is known before the deploy", async () => {
    const { dir } = channelsFile([{ type: "wecom", url: platforms.wecomUrl("good-robot-key") }]);
    const run = await setup({ env: single({ PUBLIC_URL: "https://watch.shop.example" }), args: ["--channels", "channels.json"], dir });
    expect(run.code, run.all).toBe(0);
    const [wecom] = bodies("/cgi-bin/webhook/send") as [{ markdown: { content: string } }];
    expect(wecom.markdown.content).toContain("https://watch.shop.example/");
  });

  it("in Chinese: the results and the stop say what failed, with the platform's answer quoted, and no English sentence", async () => {
    const { dir } = channelsFile(threeChannels("bad-robot-key"));
    const run = await setup({ env: single({ LANG: "zh_CN.UTF-8" }), args: ["--channels", "channels.json"], dir });
    expect(run.code, run.all).toBe(1);
    expect(run.stdout).toContain("✗ shop-group（企业微信群机器人）：发送失败。平台回复：「errcode 93000: invalid webhook url");
    expect(run.stdout).toContain("✓ pushplus1（PushPlus）：已送达");
    expect(run.stderr).toContain("提醒渠道 shop-group 的测试消息没有发出去，什么都没有部署。");
    expect(englishSentences(run.all)).toEqual([]);
  });

  it("--yes without --channels: no question, no channel, no test message", async () => {
    const run = await setup({ env: single(), args: ["--yes"] });
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain("3/5 Alert channels: none (add them with --channels FILE).");
    expect(platforms.received).toEqual([]);
    expect(secretsOf(run.calls[0]).NOTIFY_CHANNELS).toBeUndefined();
  });
});

const NO: [string, string] = ["", ""];

describe.skipIf(SCRIPT === undefined)("npm run setup on a terminal: the channel questions", () => {
  it("builds NOTIFY_CHANNELS from the answers (secrets not echoed), tests each channel, then deploys it", async () => {
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `PAYJS_MCHID=${ONE.mchid}\nPAYJS_KEY=${ONE.key}\n`);
    const answers: [string, string][] = [
      ["Add a WeCom group robot? [y/N] ", "y"],
      ["The robot's webhook address (not shown as you type): ", platforms.wecomUrl("typed-robot-key")],
      ["Add PushPlus (messages to your personal WeChat)? [y/N] ", "n"],
      ["Add WxPusher (messages to your personal WeChat)? [y/N] ", "yes"],
      ["The WxPusher appToken, AT_… (not shown as you type): ", "AT_typedtoken"],
      ["The UID to send to, UID_…: ", "UID_boss"],
    ];
    const run = await setupOnTerminal(dir, answers, { env: { SETUP_CHANNEL_API_BASE: platforms.url } });
    expect(run.code, run.all).toBe(0);
    expect(run.questions).toBe(6);
    const channels = JSON.parse(secretsOf(run.calls[0]).NOTIFY_CHANNELS as string);
    expect(channels).toEqual([
      { type: "wecom", name: "wecom", url: platforms.wecomUrl("typed-robot-key") },
      { type: "wxpusher", name: "wxpusher", app_token: "AT_typedtoken", uids: ["UID_boss"], api_base: platforms.url },
    ]);
    expect(platforms.received.map((r) => r.path).sort()).toEqual(["/api/send/message", "/cgi-bin/webhook/send"]);
    expect(run.all).toContain("✓ wecom (WeCom group robot): delivered");
    expect(run.all).toContain("UID_boss");
    for (const secret of ["typed-robot-key", "AT_typedtoken"]) expect(run.all).not.toContain(secret);
  });

  it("an answer the Worker's parser refuses is asked again; Enter skips; none added means no NOTIFY_CHANNELS", async () => {
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `PAYJS_MCHID=${ONE.mchid}\nPAYJS_KEY=${ONE.key}\n`);
    const answers: [string, string][] = [
      ["Add a WeCom group robot? [y/N] ", "y"],
      ["The robot's webhook address (not shown as you type): ", "not a url"],
      ["The robot's webhook address (not shown as you type): ", ""],
      ["Add PushPlus (messages to your personal WeChat)? [y/N] ", "y"],
      ["Your PushPlus token (not shown as you type): ", ""],
      ["Add WxPusher (messages to your personal WeChat)? [y/N] ", NO[1]],
    ];
    const run = await setupOnTerminal(dir, answers);
    expect(run.code, run.all).toBe(0);
    expect(run.questions).toBe(6);
    expect(run.all).toContain("That does not work (NOTIFY_CHANNELS: [0].url must be an absolute http:// or https:// URL)");
    expect(run.all.match(/Skipped\./g)).toHaveLength(2);
    expect(run.all).toContain("None added: this setup sets no alert channel");
    expect(secretsOf(run.calls[0]).NOTIFY_CHANNELS).toBeUndefined();
    expect(platforms.received).toEqual([]);
    expect(run.worker?.secrets.PUBLIC_URL).toBe(WORKERS_DEV);
  });

  it("in Chinese: the questions, the test and the end, with no English sentence", async () => {
    const dir = newDir("setup-test-");
    const answers: [string, string][] = [
      ["PAYJS_MCHID（商户号）：", ONE.mchid],
      ["PAYJS_KEY（PAYJS 通信密钥，输入时不显示）：", ONE.key],
      ["添加企业微信群机器人吗？[y/N] ", "是"],
      ["群机器人的 Webhook 地址（输入时不显示）：", platforms.wecomUrl("typed-robot-key")],
      ["添加 PushPlus（发到你的个人微信）吗？[y/N] ", "y"],
      ["你的 PushPlus token（输入时不显示）：", "typedtoken"],
      ["添加 WxPusher（发到你的个人微信）吗？[y/N] ", ""],
    ];
    const run = await setupOnTerminal(dir, answers, { env: { LANG: "zh_CN.UTF-8", SETUP_CHANNEL_API_BASE: platforms.url } });
    expect(run.code, run.all).toBe(0);
    expect(run.questions).toBe(7);
    expect(run.all).toContain("✓ wecom（企业微信群机器人）：已送达");
    expect(run.all).toContain("✓ pushplus（PushPlus）：已送达");
    expect(run.all).toContain("你的提醒渠道会收到第一条提醒「监控已启动」");
    expect(englishSentences(run.all)).toEqual([]);
    expectNoKeys(run);
  });
});
