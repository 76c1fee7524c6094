/**
 * The language of `npm run setup` (test/support/setup-run.ts runs it): Chinese with `--lang zh` or a locale that
 * begins with `zh` (LC_ALL, then LC_MESSAGES, then LANG, then Node's), English otherwise; in Chinese, no English
 * sentence once codes, commands, setting names, URLs and wrangler's own lines are taken out
 * (test/support/english-check.ts). Also every message of the Chinese table, and the Worker's settings errors as
 * setup and the doctor say them in Chinese.
 */
import { describe, expect, it } from "vitest";
import { configProblem, messagesFor } from "../scripts/i18n";
import { chooseLang, localeLang, parseLang } from "../scripts/i18n/lang";
import { ConfigError, parseConfig } from "../src/config";
import { parseChannels } from "../src/notify/settings";
import { englishSentences } from "./support/english-check";
import { sampleText } from "./support/message-samples";
import { control, expectNoKeys, ONE, setup, shown, single, TOKEN, useSetupRuns, WORKERS_DEV } from "./support/setup-run";

useSetupRuns();

const ZH = { LANG: "zh_CN.UTF-8" };

describe("npm run setup in Chinese", () => {
  it("a whole deploy: every step, the tokens, the last lines; no English sentence (the same run in English has many)", async () => {
    const run = await setup({ env: single(ZH) });
    expect(run.code, run.all).toBe(0);
    for (const line of ["1/5 PAYJS 检查", "2/5 令牌。", "3/5 提醒渠道：没有", "4/5 部署：", "5/5 已部署到", "部署完成。"]) {
      expect(run.stdout).toContain(line);
    }
    expect(run.stdout).toContain(`${ONE.mchid}: Worker 会接受：签名验证通过（php-sdk）`);
    expect(shown(run, "Worker 地址")).toBe(WORKERS_DEV);
    expect(shown(run, "只读令牌")).toMatch(TOKEN);
    expect(shown(run, "管理令牌")).toMatch(TOKEN);
    const last = run.stdout.trimEnd().split("\n").slice(-2);
    expect(last[0]).toContain("收不到「监控已启动」");
    expect(last[1]).toContain("在中国大陆，*.workers.dev 常常打不开，但提醒照常送达。");
    expect(englishSentences(run.all)).toEqual([]);
    expectNoKeys(run);

    const english = await setup({ env: single() });
    expect(english.code, english.all).toBe(0);
    expect(englishSentences(english.all).length).toBeGreaterThan(20);
  });

  it("a refusal: the doctor's report, its advice and the stop, in Chinese", async () => {
    await control("mode", { mode: "return_code_0", returnMsg: "商户号已被禁用" });
    const run = await setup({ env: single(ZH) });
    expect(run.code, run.all).toBe(1);
    expect(run.stdout).toContain("结论：Worker 不会接受（upstream_error）：PAYJS 拒绝了查询：「商户号已被禁用」");
    expect(run.stdout).toContain("PAYJS 拒绝了查询，它说：「商户号已被禁用」");
    expect(run.stderr).toContain("什么都没有部署。");
    expect(englishSentences(run.all)).toEqual([]);
  });

  it("settings errors, missing credentials, wrong arguments, wrangler failing and --help: in Chinese", async () => {
    const runs = await Promise.all([
      setup({ env: { ...ZH, PAYJS_API_BASE: "http://127.0.0.1:1/api", PAYJS_MERCHANTS: '[{"mchid":"1"}]' } }),
      setup({ env: { ...ZH, PAYJS_API_BASE: "http://127.0.0.1:1/api" }, args: ["--yes"] }),
      setup({ env: single(ZH), args: ["--domain", "https://x.example"] }),
      setup({ env: single({ ...ZH, API_TOKENS: "dev-read-token" }) }),
      setup({ env: single({ ...ZH, STAND_IN_EXIT: "1" }) }),
      setup({ env: ZH, args: ["--help"] }),
    ]);
    const [merchants, missing, usage, published, failed, help] = runs;
    expect(merchants?.stderr).toContain("PAYJS_MERCHANTS 第 1 项：key 不能为空");
    expect(missing?.stderr).toContain("缺少 PAYJS_MCHID 和 PAYJS_KEY（或 PAYJS_MERCHANTS）");
    expect(usage?.stderr).toContain("--domain 只要域名");
    expect(usage?.stderr).toContain("用法：npm run setup");
    expect(published?.stderr).toContain("API_TOKENS 里有 dev-read-token");
    expect(failed?.stderr).toContain("`wrangler deploy` 失败了（退出码 1）");
    expect(help?.stdout).toContain("--domain 域名");
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 1, 0]);
    for (const run of runs) expect(englishSentences(run.all), run.all).toEqual([]);
  });
});

describe("which language", () => {
  it("--lang beats the locale; LC_ALL beats LC_MESSAGES beats LANG; an empty one is skipped; then Node's locale", () => {
    expect(chooseLang(["--lang", "zh"], { LANG: "en_US.UTF-8" }, "en-US")).toBe("zh");
    expect(chooseLang(["--lang=en"], { LC_ALL: "zh_CN.UTF-8" }, "zh-CN")).toBe("en");
    expect(localeLang({ LC_ALL: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }, "en-US")).toBe("zh");
    expect(localeLang({ LC_ALL: "C", LANG: "zh_CN.UTF-8" }, "zh-CN")).toBe("en");
    expect(localeLang({ LC_MESSAGES: "zh_TW.UTF-8", LANG: "en_US.UTF-8" }, "en-US")).toBe("zh");
    expect(localeLang({ LC_ALL: "", LC_MESSAGES: " ", LANG: "zh_CN.UTF-8" }, "en-US")).toBe("zh");
    expect(localeLang({}, "zh-Hans-CN")).toBe("zh");
    expect(localeLang({}, "en-US")).toBe("en");
    expect(localeLang({ LANG: "C.UTF-8" }, "zh-CN")).toBe("en");
    // A bad --lang: the locale's language, in which the error is then said.
    expect(chooseLang(["--lang", "fr"], { LANG: "zh_CN.UTF-8" }, "en-US")).toBe("zh");
    expect(["zh", "ZH", "zh-CN", "zh_TW", "en", "en-GB", "fr", ""].map(parseLang)).toEqual([
      "zh",
      "zh",
      "zh",
      "zh",
      "en",
      "en",
      null,
      null,
    ]);
  });

  it("as setup runs: --lang en over LC_ALL=zh, LC_ALL=zh over LANG=en, LC_MESSAGES=zh, a bad --lang said in the locale's", async () => {
    const [langEn, lcAll, lcMessages, badLang] = await Promise.all([
      setup({ env: single({ LC_ALL: "zh_CN.UTF-8" }), args: ["--lang", "en"] }),
      setup({ env: single({ LC_ALL: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }) }),
      setup({ env: single({ LC_MESSAGES: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }) }),
      setup({ env: single(ZH), args: ["--lang", "fr"] }),
    ]);
    expect(langEn?.stdout).toContain("1/5 The doctor's check");
    expect(lcAll?.stdout).toContain("1/5 PAYJS 检查");
    expect(lcMessages?.stdout).toContain("1/5 PAYJS 检查");
    expect(badLang?.code).toBe(2);
    expect(badLang?.stderr).toContain('--lang 只能是 en 或 zh，不能是 "fr"');
  });
});

describe("the check for English sentences", () => {
  it("keeps codes, commands, setting names, URLs, quoted words and wrangler's lines; finds three English words in a row", () => {
    const allowed = [
      "    请运行 `npm run setup -- --lang en` 或 npx wrangler secret put PUBLIC_URL，再看 https://a.example/x?y=1。",
      "    ✗ wecom0（企业微信群机器人）：发送失败。平台回复：「errcode 93000: invalid webhook url」",
      "  字段：return_code, return_msg, mchid, complaints, sign；RESPONSE_SIGNATURE=if_present；*.workers.dev；[y/N]",
      "Deployed payjs-complaint-watch triggers (1.23 sec)",
      "  https://payjs-complaint-watch.example.workers.dev",
      "✨ Success! Uploaded secret PUBLIC_URL",
    ].join("\n");
    expect(englishSentences(allowed)).toEqual([]);
    expect(englishSentences("部署完成。Keep these now.")).toEqual(["Keep these now"]);
    expect(englishSentences("已跳过：the robot is off.")).toEqual(["the robot is off"]);
    expect(englishSentences("Worker 会接受 PAYJS 的回答")).toEqual([]);
  });
});

describe("the Chinese table", () => {
  it("every message, filled in, holds no English sentence (the English table, read the same way, does)", () => {
    expect(englishSentences(sampleText(messagesFor("zh")))).toEqual([]);
    expect(englishSentences(sampleText(messagesFor("en"))).length).toBeGreaterThan(100);
  });

  it("has the English table's keys, group by group", () => {
    const keys = (lang: "en" | "zh"): string[] =>
      Object.entries(messagesFor(lang)).flatMap(([group, table]) => Object.keys(table).map((key) => `${group}.${key}`));
    expect(keys("zh").sort()).toEqual(keys("en").sort());
  });

  it("says each of the Worker's settings errors in Chinese, never by the fallback", () => {
    const zh = messagesFor("zh");
    const channel = (item: Record<string, unknown>) => () => parseChannels(JSON.stringify([item]), new Set(["1"]));
    const config = (env: Record<string, string>) => () => parseConfig(env);
    const cases = [
      config({ UPSTREAM_TIMEOUT_MS: "5" }),
      config({ ALLOW_UNSIGNED_RESPONSES: "maybe" }),
      config({ RESPONSE_SIGNATURE: "lenient" }),
      config({ RESPONSE_SIGNATURE: "strict", ALLOW_UNSIGNED_RESPONSES: "true" }),
      config({ PAYJS_API_BASE: "payjs.cn" }),
      config({ PAYJS_MCHID: "a b", PAYJS_KEY: "k" }),
      config({ PAYJS_MCHID: "1" }),
      config({ PAYJS_MERCHANTS: "[" }),
      config({ PAYJS_MERCHANTS: "{}" }),
      config({ PAYJS_MERCHANTS: "[1]" }),
      config({ PAYJS_MERCHANTS: '[{"mchid":"1","key":"k","shop":"x"}]' }),
      config({ PAYJS_MERCHANTS: '[{"mchid":"1","key":"k","name":2}]' }),
      config({ PAYJS_MERCHANTS: '[{"mchid":"1","key":"k"},{"mchid":"1","key":"j"}]' }),
      () => parseChannels("[", new Set()),
      () => parseChannels("{}", new Set()),
      () => parseChannels(JSON.stringify(Array.from({ length: 21 }, () => ({ type: "slack", url: "https://x" }))), new Set()),
      () => parseChannels("[1]", new Set()),
      channel({ type: "pager" }),
      channel({ type: "wecom", url: "https://x", secret: "s" }),
      channel({ type: "wecom", url: "https://x", name: "a b" }),
      channel({ type: "wecom", url: "https://x", events: ["complaint.reminder"] }),
      channel({ type: "wecom", url: "https://x", events: [] }),
      channel({ type: "wecom", url: "https://x", events: ["complaint.lost"] }),
      channel({ type: "wecom", url: "https://x", merchants: ["999"] }),
      channel({ type: "wecom", url: "https://x", digest_at: "9am" }),
      channel({ type: "wecom", url: "https://x", quiet_hours: "night" }),
      channel({ type: "wecom", url: "https://x", quiet_hours: "08:00-08:00" }),
      channel({ type: "wecom" }),
      channel({ type: "wecom", url: "qyapi.weixin.qq.com" }),
      channel({ type: "pushplus", token: "" }),
      channel({ type: "pushplus", token: "a b" }),
      channel({ type: "wxpusher", app_token: "AT_x", uids: "UID_x" }),
      channel({ type: "wxpusher", app_token: "AT_x", uids: ["x"] }),
      channel({ type: "wxpusher", app_token: "AT_x" }),
      channel({ type: "wxpusher", app_token: "AT_x", topic_ids: [1, 2, 3, 4, 5, 6] }),
      channel({ type: "telegram", bot_token: "1:x", chat_id: "x y" }),
      () => {
        throw new ConfigError(".dev.vars", "cannot be read (EACCES): /home/shop/.dev.vars");
      },
    ];
    for (const make of cases) {
      let said = "";
      try {
        make();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        said = configProblem(zh, error);
      }
      expect(said, String(make)).not.toBe("");
      expect(said, said).toMatch(/^[A-Z_.a-z]+( 第 \d+ (项|个提醒渠道(的 \w+)?))?：/);
      expect(englishSentences(said), said).toEqual([]);
      expect(said).not.toContain("--lang en");
    }
  });
});
