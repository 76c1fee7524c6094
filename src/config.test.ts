import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "./config";
import type { WorkerEnv } from "./env";

const SECRET = "k-SECRET-9f8e7d";

function settingOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).not.toContain(SECRET);
    return (error as ConfigError).setting;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("Should use the contract's defaults when only the binding is set", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      merchants: [],
      upstream: { apiBase: "https://payjs.cn/api", timeoutMs: 10_000, signaturePolicy: "strict" },
      pollIntervalSeconds: 14_400,
      readTokens: [],
      adminToken: null,
      corsOrigins: [],
      publicUrl: null,
      alertAfterFailures: 3,
    });
  });

  it("Should combine the single merchant pair with PAYJS_MERCHANTS", () => {
    const config = parseConfig({
      PAYJS_MCHID: "100",
      PAYJS_KEY: SECRET,
      PAYJS_MERCHANTS: JSON.stringify([
        { mchid: "200", key: "k2", name: "Shop B" },
        { mchid: 300, key: "k3" },
      ]),
    });
    expect(config.merchants).toEqual([
      { mchid: "100", key: SECRET, name: null },
      { mchid: "200", key: "k2", name: "Shop B" },
      { mchid: "300", key: "k3", name: null },
    ]);
  });

  it("Should split tokens and origins on commas and drop blanks", () => {
    const config = parseConfig({ API_TOKENS: " a, b ,,", ADMIN_TOKEN: "adm", CORS_ORIGINS: "https://a.example, http://localhost:5173" });
    expect(config.readTokens).toEqual(["a", "b"]);
    expect(config.adminToken).toBe("adm");
    expect(config.corsOrigins).toEqual(["https://a.example", "http://localhost:5173"]);
    expect(parseConfig({ CORS_ORIGINS: "*" }).corsOrigins).toBe("*");
  });

  it("Should accept unquoted numbers and booleans from wrangler.toml", () => {
    const config = parseConfig({ POLL_INTERVAL_SECONDS: 3600, ALLOW_UNSIGNED_RESPONSES: true } as unknown as Partial<WorkerEnv>);
    expect(config.pollIntervalSeconds).toBe(3600);
    expect(config.upstream.signaturePolicy).toBe("if_present");
  });

  it.each([
    [{}, "strict"],
    [{ ALLOW_UNSIGNED_RESPONSES: "false" }, "strict"],
    [{ ALLOW_UNSIGNED_RESPONSES: "true" }, "if_present"],
    [{ RESPONSE_SIGNATURE: "report" }, "report"],
    [{ RESPONSE_SIGNATURE: "report", ALLOW_UNSIGNED_RESPONSES: "true" }, "report"],
    [{ RESPONSE_SIGNATURE: "if_present", ALLOW_UNSIGNED_RESPONSES: "true" }, "if_present"],
  ])("Should read the response signature policy from %j as %s", (vars, policy) => {
    expect(parseConfig(vars as Partial<WorkerEnv>).upstream.signaturePolicy).toBe(policy);
  });

  it("Should ignore a trailing comma in CORS_ORIGINS", () => {
    expect(parseConfig({ CORS_ORIGINS: "https://a.example," }).corsOrigins).toEqual(["https://a.example"]);
  });

  it("Should treat an empty setting as absent", () => {
    expect(parseConfig({ POLL_INTERVAL_SECONDS: "", PAYJS_API_BASE: " " }).pollIntervalSeconds).toBe(14_400);
  });

  it.each([
    [{ POLL_INTERVAL_SECONDS: "4h" }, "POLL_INTERVAL_SECONDS"],
    [{ POLL_INTERVAL_SECONDS: "0" }, "POLL_INTERVAL_SECONDS"],
    [{ POLL_INTERVAL_SECONDS: "299" }, "POLL_INTERVAL_SECONDS"],
    [{ UPSTREAM_TIMEOUT_MS: "-5" }, "UPSTREAM_TIMEOUT_MS"],
    [{ ALERT_AFTER_FAILURES: "1.5" }, "ALERT_AFTER_FAILURES"],
    [{ ALLOW_UNSIGNED_RESPONSES: "yes" }, "ALLOW_UNSIGNED_RESPONSES"],
    [{ RESPONSE_SIGNATURE: "lenient" }, "RESPONSE_SIGNATURE"],
    [{ RESPONSE_SIGNATURE: "strict", ALLOW_UNSIGNED_RESPONSES: "true" }, "RESPONSE_SIGNATURE"],
    [{ PAYJS_API_BASE: "payjs.cn/api" }, "PAYJS_API_BASE"],
    [{ PAYJS_API_BASE: "ftp://payjs.cn" }, "PAYJS_API_BASE"],
    [{ PUBLIC_URL: "not a url" }, "PUBLIC_URL"],
    [{ CORS_ORIGINS: "https://a.example/path" }, "CORS_ORIGINS"],
    [{ PAYJS_MCHID: "100" }, "PAYJS_KEY"],
    [{ PAYJS_KEY: SECRET }, "PAYJS_MCHID"],
    [{ PAYJS_MCHID: "1 00", PAYJS_KEY: SECRET }, "PAYJS_MCHID"],
    [{ PAYJS_MERCHANTS: `{"mchid":"1","key":"${SECRET}"}` }, "PAYJS_MERCHANTS"],
    [{ PAYJS_MERCHANTS: `[{"mchid":"1","key":"${SECRET}"` }, "PAYJS_MERCHANTS"],
    [{ PAYJS_MERCHANTS: `[{"mchid":"1"}]` }, "PAYJS_MERCHANTS"],
    [{ PAYJS_MERCHANTS: `[{"mchid":"1","key":"${SECRET}","kye":"x"}]` }, "PAYJS_MERCHANTS"],
    [{ PAYJS_MERCHANTS: `[{"mchid":"1","key":"${SECRET}","name":5}]` }, "PAYJS_MERCHANTS"],
    [{ PAYJS_MERCHANTS: `[{"mchid":"1","key":"${SECRET}"},{"mchid":"1","key":"x"}]` }, "PAYJS_MERCHANTS"],
  ] as [Partial<WorkerEnv>, string][])("Should reject %j naming %s, without the secret in the message", (env, setting) => {
    expect(settingOf(() => parseConfig(env))).toBe(setting);
  });

  it("Should name the bad item of PAYJS_MERCHANTS by its index", () => {
    expect(() => parseConfig({ PAYJS_MERCHANTS: `[{"mchid":"1","key":"a"},{"mchid":"2"}]` })).toThrow(/item 1/);
  });
});

/** The ConfigError `fn` throws. */
function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("deadline settings", () => {
  it("Should default to WeChat Pay's 24 and 72 hours and reminders 12 and 2 hours before", () => {
    expect(parseConfig({}).deadlines).toEqual({ replyWithinHours: 24, resolveWithinHours: 72, remindBeforeHours: [12, 2] });
  });

  it("Should read the three settings, as text or as numbers from wrangler.toml, with spaces around", () => {
    expect(parseConfig({ REPLY_WITHIN_HOURS: " 12 ", RESOLVE_WITHIN_HOURS: "48", REMIND_BEFORE_HOURS: "24, 6 ,1" }).deadlines).toEqual({
      replyWithinHours: 12,
      resolveWithinHours: 48,
      remindBeforeHours: [24, 6, 1],
    });
    const numbers = { REPLY_WITHIN_HOURS: 1, RESOLVE_WITHIN_HOURS: 720, REMIND_BEFORE_HOURS: 168 } as unknown as Partial<WorkerEnv>;
    expect(parseConfig(numbers).deadlines).toEqual({ replyWithinHours: 1, resolveWithinHours: 720, remindBeforeHours: [168] });
  });

  it("Should read an empty setting as none: no such deadline, or no reminders before them", () => {
    expect(parseConfig({ REPLY_WITHIN_HOURS: "" }).deadlines).toEqual({
      replyWithinHours: null,
      resolveWithinHours: 72,
      remindBeforeHours: [12, 2],
    });
    expect(parseConfig({ RESOLVE_WITHIN_HOURS: " " }).deadlines.resolveWithinHours).toBeNull();
    expect(parseConfig({ REMIND_BEFORE_HOURS: "" }).deadlines.remindBeforeHours).toEqual([]);
    // With no reply deadline, the resolve one may be anything in range, and the other way round.
    expect(parseConfig({ REPLY_WITHIN_HOURS: "", RESOLVE_WITHIN_HOURS: "1" }).deadlines.resolveWithinHours).toBe(1);
    expect(parseConfig({ REPLY_WITHIN_HOURS: "720", RESOLVE_WITHIN_HOURS: "" }).deadlines.replyWithinHours).toBe(720);
  });

  it("Should allow a resolve deadline equal to the reply's", () => {
    expect(parseConfig({ REPLY_WITHIN_HOURS: "48", RESOLVE_WITHIN_HOURS: "48" }).deadlines).toMatchObject({
      replyWithinHours: 48,
      resolveWithinHours: 48,
    });
  });

  it.each([
    [{ REPLY_WITHIN_HOURS: "0" }, "REPLY_WITHIN_HOURS"],
    [{ REPLY_WITHIN_HOURS: "721" }, "REPLY_WITHIN_HOURS"],
    [{ REPLY_WITHIN_HOURS: "24h" }, "REPLY_WITHIN_HOURS"],
    [{ REPLY_WITHIN_HOURS: "1.5" }, "REPLY_WITHIN_HOURS"],
    [{ REPLY_WITHIN_HOURS: "-1" }, "REPLY_WITHIN_HOURS"],
    [{ RESOLVE_WITHIN_HOURS: "0" }, "RESOLVE_WITHIN_HOURS"],
    [{ RESOLVE_WITHIN_HOURS: "1000" }, "RESOLVE_WITHIN_HOURS"],
    [{ RESOLVE_WITHIN_HOURS: "23" }, "RESOLVE_WITHIN_HOURS"],
    [{ REPLY_WITHIN_HOURS: "100", RESOLVE_WITHIN_HOURS: "72" }, "RESOLVE_WITHIN_HOURS"],
    [{ REMIND_BEFORE_HOURS: "2,12" }, "REMIND_BEFORE_HOURS"],
    [{ REMIND_BEFORE_HOURS: "12,12" }, "REMIND_BEFORE_HOURS"],
    [{ REMIND_BEFORE_HOURS: "0" }, "REMIND_BEFORE_HOURS"],
    [{ REMIND_BEFORE_HOURS: "169" }, "REMIND_BEFORE_HOURS"],
    [{ REMIND_BEFORE_HOURS: "12;2" }, "REMIND_BEFORE_HOURS"],
    [{ REMIND_BEFORE_HOURS: "12,,2" }, "REMIND_BEFORE_HOURS"],
    [{ REMIND_BEFORE_HOURS: "1.5" }, "REMIND_BEFORE_HOURS"],
  ] as [Partial<WorkerEnv>, string][])("Should reject %j naming %s", (env, setting) => {
    expect(settingOf(() => parseConfig(env))).toBe(setting);
  });

  it.each([["24,48"], [""], ["12,2"]])(
    "Should refuse the retired REMIND_AFTER_HOURS set to %j, naming REMIND_BEFORE_HOURS in the message",
    (value) => {
      const error = configErrorOf(() => parseConfig({ REMIND_AFTER_HOURS: value }));
      expect(error.setting).toBe("REMIND_AFTER_HOURS");
      expect(error.message).toContain("REMIND_BEFORE_HOURS");
    },
  );

  it("Should refuse REMIND_AFTER_HOURS even beside valid new settings, and as a number from wrangler.toml", () => {
    const env = { REMIND_AFTER_HOURS: 24, REMIND_BEFORE_HOURS: "12,2" } as unknown as Partial<WorkerEnv>;
    expect(settingOf(() => parseConfig(env))).toBe("REMIND_AFTER_HOURS");
  });

  it("Should refuse a channel whose events name the retired complaint.reminder, naming the events that replace it", () => {
    const channels = JSON.stringify([
      { type: "slack", url: "https://hooks.slack.example/x", events: ["complaint.new", "complaint.reminder"] },
    ]);
    const error = configErrorOf(() => parseConfig({ NOTIFY_CHANNELS: channels }));
    expect(error.setting).toBe("NOTIFY_CHANNELS");
    expect(error.message).toContain("complaint.reminder");
    expect(error.message).toContain("complaint.due");
    expect(error.message).toContain("complaint.overdue");
  });

  it("Should accept channels listening to complaint.due and complaint.overdue", () => {
    const channels = JSON.stringify([
      { type: "slack", url: "https://hooks.slack.example/x", events: ["complaint.due", "complaint.overdue"] },
    ]);
    expect(parseConfig({ NOTIFY_CHANNELS: channels }).channels[0]?.events).toEqual(new Set(["complaint.due", "complaint.overdue"]));
  });
});

describe("loadConfig", () => {
  const kv = { get() {}, put() {} };

  it("Should parse an env object once and return the same result after", () => {
    const env = { COMPLAINTS: kv, PAYJS_MCHID: "1", PAYJS_KEY: "k" } as unknown as WorkerEnv;
    const first = loadConfig(env);
    expect(first.ok).toBe(true);
    expect(loadConfig(env)).toBe(first);
  });

  it("Should return the error instead of throwing", () => {
    const result = loadConfig({ COMPLAINTS: kv, POLL_INTERVAL_SECONDS: "soon" } as unknown as WorkerEnv);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.setting).toBe("POLL_INTERVAL_SECONDS");
  });

  it("Should name a missing KV binding", () => {
    const result = loadConfig({ PAYJS_MCHID: "1", PAYJS_KEY: "k" } as unknown as WorkerEnv);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.setting).toBe("COMPLAINTS");
  });
});
