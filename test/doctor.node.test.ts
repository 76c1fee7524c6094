/**
 * `npm run doctor` as a user runs it: `tsx scripts/doctor.ts` as a child process against the bundled PAYJS
 * sandbox on a real HTTP server, one sandbox mode per case. Every run is checked for its verdict, its exit code,
 * and that no key nor any complaint value reaches stdout or stderr (complaint values only with `--show`).
 * Each run has an empty temp directory as its cwd and an environment without the developer's PAYJS settings,
 * so no real `.dev.vars` or credential interferes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PayjsComplaintItem, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../sandbox/server";
import { DOCTOR_SETTINGS } from "../scripts/doctor/settings";
import type { ShownComplaint, Verdict } from "../scripts/doctor/verdict";
import { phpUrldecode } from "../src/payjs/sign";
import { englishSentences } from "./support/english-check";
import { payjsCalls, sandboxControl } from "./support/sandbox-control";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const DOCTOR = join(ROOT, "scripts", "doctor.ts");

/** Every setting the doctor reads, and the locale it speaks by: removed from the inherited environment of each run. */
const SETTINGS = [...DOCTOR_SETTINGS, "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for the leak checks. */
  all: string;
  /** stdout as JSON; null when it is not JSON (the human output). */
  json: DoctorJson | null;
}

type VerdictJson = Omit<Verdict, "name">;

/** What `--json` prints: a verdict per merchant (with `--show`, its complaints), or the settings error. */
interface DoctorJson {
  merchants?: (VerdictJson & { complaint_list?: ShownComplaint[] })[];
  error?: { code: string; setting: string; message: string };
}

const ONE = SANDBOX_MERCHANT;
const TWO = SANDBOX_MERCHANT_2;
const KEYS = [ONE.key, TWO.key];

let server: SandboxServer;
let api: string;
let cwd: string;
/** The complaint values the sandbox serves for each merchant: none may be printed without `--show`. */
let complaintValues: string[] = [];
const fixtures = new Map<string, PayjsComplaintItem[]>();

async function setMode(mode: string, options: Record<string, unknown> = {}): Promise<void> {
  await sandboxControl(server, "mode", { mode, ...options });
}

/** A port nothing listens on (free a moment ago). */
async function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Runs the doctor with exactly these settings (plus PATH and the like), in `dir` (default: an empty temp dir). */
function doctor(settings: Record<string, string>, args: string[] = ["--json"], dir: string = cwd): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SETTINGS) delete env[name];
  // English unless the test says otherwise.
  Object.assign(env, { LANG: "C.UTF-8" }, settings);
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [DOCTOR, ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      reject(new Error(`the doctor did not finish within 30 s\n${stdout}\n${stderr}`));
    }, 30_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      let json: DoctorJson | null = null;
      try {
        json = JSON.parse(stdout) as DoctorJson;
      } catch {
        json = null;
      }
      resolve({ code, stdout, stderr, all: `${stdout}\n${stderr}`, json });
    });
  });
}

function single(merchant: { mchid: string; key: string } = ONE, more: Record<string, string> = {}): Record<string, string> {
  return { PAYJS_API_BASE: api, PAYJS_MCHID: merchant.mchid, PAYJS_KEY: merchant.key, ...more };
}

function several(list: { mchid: string; key: string; name?: string }[], more: Record<string, string> = {}): Record<string, string> {
  return { PAYJS_API_BASE: api, PAYJS_MERCHANTS: JSON.stringify(list), ...more };
}

function only(run: Run): VerdictJson {
  expect(run.json, `stdout was not one JSON object:\n${run.stdout}\n${run.stderr}`).not.toBeNull();
  expect(run.json?.merchants).toHaveLength(1);
  return run.json?.merchants?.[0] as VerdictJson;
}

/** No key in any form, nor any complaint value (without --show), anywhere in stdout+stderr. */
function expectNoSecrets(run: Run, opts: { show?: boolean; keys?: string[] } = {}): void {
  for (const key of [...KEYS, ...(opts.keys ?? [])]) {
    for (const form of [key, phpUrldecode(key), encodeURIComponent(key)]) {
      expect(run.all.includes(form), `a key (${form.length} characters) was printed`).toBe(false);
    }
  }
  expect(run.all).not.toContain("not-a-secret");
  if (opts.show === true) return;
  for (const value of complaintValues) {
    expect(run.all.includes(value), `complaint value ${JSON.stringify(value)} was printed without --show`).toBe(false);
    const escaped = JSON.stringify(value).slice(1, -1);
    expect(run.all.includes(escaped), `complaint value ${escaped} was printed without --show`).toBe(false);
  }
}

function adviceText(v: VerdictJson): string {
  return v.advice.join("\n");
}

beforeAll(async () => {
  server = await startSandboxServer();
  api = `${server.url}/api`;
  cwd = mkdtempSync(join(tmpdir(), "doctor-test-"));
  const values = new Set<string>();
  for (const m of [ONE, TWO]) {
    const items = ((await sandboxControl(server, `complaints/${m.mchid}`)) as { complaints: PayjsComplaintItem[] }).complaints;
    fixtures.set(m.mchid, items);
    for (const item of items) {
      for (const name of ["body", "out_trade_no", "order_id", "complaint_id"]) {
        const value = item[name];
        if (typeof value !== "string") continue;
        for (const part of value.split("\n")) if (part.trim().length >= 4) values.add(part.trim());
      }
    }
  }
  complaintValues = [...values];
  expect(complaintValues.length).toBeGreaterThan(30);
});

afterAll(async () => {
  await server?.close();
  if (cwd !== undefined) rmSync(cwd, { recursive: true, force: true });
});

beforeEach(async () => {
  await sandboxControl(server, "reset", {});
});

describe("npm run doctor --json: accepted answers", () => {
  it("verified by the php-sdk scheme: exit 0, every field named once, ready to deploy, one signed call, nothing stored", async () => {
    await setMode("sign_php_sdk");
    const run = await doctor(single());
    expect(run.code, run.all).toBe(0);
    const v = only(run);
    expect(v).toMatchObject({
      mchid: ONE.mchid,
      accepted: true,
      http_status: 200,
      return_code: 1,
      message: "SUCCESS",
      complaints: fixtures.get(ONE.mchid)?.length,
      signature: "verified",
      scheme: "php-sdk",
    });
    for (const name of [
      "return_code",
      "return_msg",
      "mchid",
      "complaints",
      "sign",
      "complaint_id",
      "complaint_at",
      "body",
      "refund_status",
      "remark",
    ]) {
      expect(v.fields).toContain(name);
    }
    expect(new Set(v.fields).size).toBe(v.fields.length);
    expect(v.advice.some((line) => line.startsWith("ready: deploy"))).toBe(true);
    expect(adviceText(v)).toContain("npm run setup`: it sets PAYJS_MCHID and PAYJS_KEY as secrets");
    expectNoSecrets(run);

    const requests = ((await sandboxControl(server, "requests")) as { requests: { mchid: string; signValid: boolean }[] }).requests;
    expect(requests).toEqual([expect.objectContaining({ mchid: ONE.mchid, signValid: true })]);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("verified by the raw-key scheme (the second dev merchant's key): exit 0, the scheme named", async () => {
    await setMode("sign_raw_key");
    const run = await doctor(several([{ mchid: TWO.mchid, key: TWO.key, name: "Shop B" }]));
    expect(run.code, run.all).toBe(0);
    const v = only(run);
    expect(v).toMatchObject({ mchid: TWO.mchid, accepted: true, signature: "verified", scheme: "raw-key", complaints: 15 });
    expect(adviceText(v)).toContain("raw-key");
    expect(adviceText(v)).toContain("ready: deploy");
    expect(adviceText(v)).toContain("npm run setup`: it sets PAYJS_MERCHANTS as secrets");
    expectNoSecrets(run);
  });

  it("sign_raw_key with a key that has no + or %: the schemes coincide and php-sdk is reported", async () => {
    await setMode("sign_raw_key");
    const run = await doctor(single());
    expect(run.code, run.all).toBe(0);
    expect(only(run)).toMatchObject({ accepted: true, signature: "verified", scheme: "php-sdk" });
    expectNoSecrets(run);
  });
});

describe("npm run doctor --json: the answer's sign", () => {
  it("mismatch under strict: exit 1, the schemes listed, PAYJS_KEY to check first, report as a conscious risk", async () => {
    await setMode("mismatch");
    const run = await doctor(single());
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, http_status: 200, return_code: 1, complaints: 15, signature: "mismatch", scheme: null });
    expect(v.message).toMatch(/sign/i);
    expect(v.fields).toContain("body");
    const advice = adviceText(v);
    expect(advice).toContain("php-sdk");
    expect(advice).toContain("raw-key");
    expect(advice).toContain("PAYJS_KEY");
    expect(advice).toContain("RESPONSE_SIGNATURE=report");
    expect(advice).toContain("conscious risk");
    expectNoSecrets(run);
  });

  it("mismatch under if_present: still exit 1", async () => {
    await setMode("mismatch");
    const run = await doctor(single(ONE, { RESPONSE_SIGNATURE: "if_present" }));
    expect(run.code, run.all).toBe(1);
    expect(only(run)).toMatchObject({ accepted: false, signature: "mismatch" });
  });

  it("mismatch under report: exit 0, accepted, with a warning", async () => {
    await setMode("mismatch");
    const run = await doctor(single(ONE, { RESPONSE_SIGNATURE: "report" }));
    expect(run.code, run.all).toBe(0);
    const v = only(run);
    expect(v).toMatchObject({ accepted: true, signature: "mismatch", scheme: null, message: "SUCCESS", complaints: 15 });
    expect(adviceText(v)).toMatch(/warning/i);
    expect(adviceText(v)).toContain("PAYJS_KEY");
    expect(adviceText(v)).toContain("conscious risk");
    expect(v.advice.some((line) => line.startsWith("ready: deploy"))).toBe(false);
    expectNoSecrets(run);
  });

  it("a sign made with another key (bad_sign): mismatch, exit 1", async () => {
    await setMode("bad_sign");
    const run = await doctor(single());
    expect(run.code, run.all).toBe(1);
    expect(only(run)).toMatchObject({ accepted: false, signature: "mismatch" });
    expectNoSecrets(run);
  });

  it("absent under strict: exit 1, advice to set RESPONSE_SIGNATURE=if_present", async () => {
    await setMode("unsigned");
    const run = await doctor(single());
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, signature: "absent", scheme: null, complaints: 15 });
    expect(v.fields).not.toContain("sign");
    expect(adviceText(v)).toContain("RESPONSE_SIGNATURE=if_present");
    expectNoSecrets(run);
  });

  it("absent under if_present (and under the old ALLOW_UNSIGNED_RESPONSES=true): exit 0", async () => {
    await setMode("unsigned");
    const cases: Record<string, string>[] = [{ RESPONSE_SIGNATURE: "if_present" }, { ALLOW_UNSIGNED_RESPONSES: "true" }];
    for (const more of cases) {
      const run = await doctor(single(ONE, more));
      expect(run.code, run.all).toBe(0);
      const v = only(run);
      expect(v).toMatchObject({ accepted: true, signature: "absent" });
      expect(adviceText(v)).toContain("if_present");
      expectNoSecrets(run);
    }
  });
});

describe("npm run doctor --json: PAYJS refuses, or cannot be reached", () => {
  it("return_code 0: exit 1, PAYJS's message shown", async () => {
    await setMode("return_code_0", { returnMsg: "商户号已被禁用" });
    const run = await doctor(single());
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, http_status: 200, return_code: 0, complaints: null, signature: null, scheme: null });
    expect(v.message).toContain("商户号已被禁用");
    expect(adviceText(v)).toContain("商户号已被禁用");
    expect(v.fields).toEqual(expect.arrayContaining(["return_code", "return_msg"]));
    expectNoSecrets(run);
  });

  it("a wrong PAYJS_KEY: PAYJS answers 签名错误, the advice names PAYJS_KEY and PAYJS_MCHID, the wrong key is never printed", async () => {
    const wrong = "a-wrong-key-typed-by-hand-1234";
    const run = await doctor(single({ mchid: ONE.mchid, key: wrong }));
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, return_code: 0 });
    expect(v.message).toContain("签名错误");
    expect(adviceText(v)).toContain("PAYJS_KEY");
    expect(adviceText(v)).toContain("PAYJS_MCHID");
    expectNoSecrets(run, { keys: [wrong] });
  });

  it("an HTML page with HTTP 200: exit 1, not JSON, PAYJS_API_BASE to check", async () => {
    await setMode("html_200");
    const run = await doctor(single());
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, http_status: 200, return_code: null, complaints: null, signature: null, fields: [] });
    expect(v.message).toMatch(/not JSON/);
    expect(adviceText(v)).toContain("PAYJS_API_BASE");
    expect(adviceText(v)).toMatch(/backoff/);
    expectNoSecrets(run);
  });

  it.each([
    ["http_502", 502],
    ["http_500_html", 500],
  ])("%s: exit 1, the status, try again later", async (mode, status) => {
    await setMode(mode);
    const run = await doctor(single());
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, http_status: status, return_code: null, complaints: null, signature: null });
    expect(v.message).toContain(String(status));
    expect(adviceText(v)).toContain("PAYJS_API_BASE");
    expect(adviceText(v)).toMatch(/try again later/);
    expectNoSecrets(run);
  });

  it("a timeout (UPSTREAM_TIMEOUT_MS=300): exit 1 soon, no HTTP status", async () => {
    await setMode("timeout");
    const started = Date.now();
    const run = await doctor(single(ONE, { UPSTREAM_TIMEOUT_MS: "300" }));
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, http_status: null, return_code: null, complaints: null, signature: null, fields: [] });
    expect(v.message).toContain("300 ms");
    expect(adviceText(v)).toContain("UPSTREAM_TIMEOUT_MS");
    expect(adviceText(v)).toContain("PAYJS_API_BASE");
    expect(Date.now() - started).toBeLessThan(15_000);
    expectNoSecrets(run);
  });

  it("a refused connection (a port nothing listens on): exit 1, the reason named", async () => {
    const port = await deadPort();
    const run = await doctor(single(ONE, { PAYJS_API_BASE: `http://127.0.0.1:${port}/api` }));
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(v).toMatchObject({ accepted: false, http_status: null, signature: null, complaints: null });
    expect(adviceText(v)).toContain("ECONNREFUSED");
    expect(adviceText(v)).toContain("PAYJS_API_BASE");
    expectNoSecrets(run);
  });

  it("two merchants, one refused: exit 1, each judged on its own, in the configured order", async () => {
    await setMode("mismatch", { mchid: TWO.mchid });
    const run = await doctor({ ...single(), PAYJS_MERCHANTS: JSON.stringify([{ mchid: TWO.mchid, key: TWO.key, name: "Shop B" }]) });
    expect(run.code, run.all).toBe(1);
    const merchants = run.json?.merchants as VerdictJson[];
    expect(merchants.map((m) => [m.mchid, m.accepted, m.signature])).toEqual([
      [ONE.mchid, true, "verified"],
      [TWO.mchid, false, "mismatch"],
    ]);
    expect(merchants[1]?.advice.join("\n")).toContain("PAYJS_MERCHANTS");
    expect(await payjsCalls(server)).toBe(2);
    expectNoSecrets(run);
  });
});

describe("npm run doctor: settings", () => {
  it.each([
    ["RESPONSE_SIGNATURE=lenient", single(ONE, { RESPONSE_SIGNATURE: "lenient" }), "RESPONSE_SIGNATURE"],
    [
      "malformed PAYJS_MERCHANTS",
      { PAYJS_API_BASE: "http://127.0.0.1:1/api", PAYJS_MERCHANTS: `[{"mchid":"${TWO.mchid}","key":"${TWO.key}"` },
      "PAYJS_MERCHANTS",
    ],
    [
      "an unknown field in PAYJS_MERCHANTS",
      { PAYJS_MERCHANTS: JSON.stringify([{ mchid: TWO.mchid, key: TWO.key, secret: TWO.key }]) },
      "PAYJS_MERCHANTS",
    ],
    ["PAYJS_MCHID without PAYJS_KEY", { PAYJS_MCHID: ONE.mchid }, "PAYJS_KEY"],
    ["UPSTREAM_TIMEOUT_MS=50", single(ONE, { UPSTREAM_TIMEOUT_MS: "50" }), "UPSTREAM_TIMEOUT_MS"],
    ["PAYJS_API_BASE not a URL", single(ONE, { PAYJS_API_BASE: "payjs.cn/api" }), "PAYJS_API_BASE"],
    ["no merchant at all", { PAYJS_API_BASE: "http://127.0.0.1:1/api" }, "PAYJS_MCHID"],
  ])("%s: exit 2, the setting named, no secret, no call", async (_label, settings, setting) => {
    const human = await doctor(settings, []);
    expect(human.code, human.all).toBe(2);
    expect(human.stderr).toContain(setting);
    expectNoSecrets(human);

    const json = await doctor(settings);
    expect(json.code, json.all).toBe(2);
    expect(json.json).toMatchObject({ error: { code: "bad_config", setting } });
    expect(json.json?.error?.message).toContain(setting);
    expectNoSecrets(json);
    expect(await payjsCalls(server)).toBe(0);
  });

  it("reads .dev.vars in the current directory (quotes, comments); the environment wins per name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "doctor-devvars-"));
    try {
      const dead = await deadPort();
      writeFileSync(
        join(dir, ".dev.vars"),
        [
          "# PAYJS credentials for the doctor",
          `PAYJS_MCHID="${ONE.mchid}"`,
          `PAYJS_KEY='${ONE.key}'`,
          `PAYJS_API_BASE=http://127.0.0.1:${dead}/api # overridden by the environment`,
          "RESPONSE_SIGNATURE=lenient",
          "",
        ].join("\n"),
      );
      await setMode("sign_php_sdk");
      const run = await doctor({ PAYJS_API_BASE: api, RESPONSE_SIGNATURE: "strict" }, ["--json"], dir);
      expect(run.code, run.all).toBe(0);
      expect(only(run)).toMatchObject({ mchid: ONE.mchid, accepted: true, signature: "verified", scheme: "php-sdk" });
      expectNoSecrets(run);

      // A value only .dev.vars holds is used: report lets a mismatch through.
      writeFileSync(join(dir, ".dev.vars"), `PAYJS_MCHID=${ONE.mchid}\nPAYJS_KEY=${ONE.key}\nRESPONSE_SIGNATURE="report"\n`);
      await setMode("mismatch");
      const report = await doctor({ PAYJS_API_BASE: api }, ["--json"], dir);
      expect(report.code, report.all).toBe(0);
      expect(only(report)).toMatchObject({ accepted: true, signature: "mismatch" });

      // And a wrong value there is a settings error like any other.
      writeFileSync(join(dir, ".dev.vars"), `PAYJS_MCHID=${ONE.mchid}\nPAYJS_KEY=${ONE.key}\nRESPONSE_SIGNATURE=lenient\n`);
      const wrong = await doctor({ PAYJS_API_BASE: api }, [], dir);
      expect(wrong.code, wrong.all).toBe(2);
      expect(wrong.stderr).toContain("RESPONSE_SIGNATURE");
      expectNoSecrets(wrong);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm run doctor: what a person reads", () => {
  it("human output names the merchant, the verdict, the sign and what to do", async () => {
    await setMode("mismatch");
    const run = await doctor(several([{ mchid: TWO.mchid, key: TWO.key, name: "Shop B" }]), []);
    expect(run.code, run.all).toBe(1);
    expect(run.json).toBeNull();
    expect(run.stdout).toContain(`Merchant Shop B (${TWO.mchid})`);
    expect(run.stdout).toMatch(/NOT accepted \(bad_signature\)/);
    expect(run.stdout).toMatch(/HTTP status: 200/);
    expect(run.stdout).toMatch(/return_code: 1/);
    expect(run.stdout).toMatch(/complaints: +15/);
    expect(run.stdout).toMatch(/signature: +mismatch/);
    expect(run.stdout).toMatch(/complaint fields: .*body/);
    expect(run.stdout).toContain("what to do:");
    expect(run.stdout).toContain(`the "key" of mchid ${TWO.mchid} in PAYJS_MERCHANTS`);
    expect(run.stdout).toContain("RESPONSE_SIGNATURE=report");
    expect(run.stdout).toContain("(exit 1)");
    expectNoSecrets(run);

    await setMode("sign_php_sdk");
    const ok = await doctor(single(), []);
    expect(ok.code, ok.all).toBe(0);
    expect(ok.stdout).toContain(`Merchant ${ONE.mchid}`);
    expect(ok.stdout).toContain("accepted: the sign verifies (php-sdk)");
    expect(ok.stdout).toContain("ready: deploy");
    expect(ok.stdout).toContain("it sets PAYJS_MCHID and PAYJS_KEY as secrets");
    expectNoSecrets(ok);
  });

  it("--show lists each complaint's id, complaint_at and body; still no key", async () => {
    await setMode("sign_php_sdk");
    const first = fixtures.get(ONE.mchid)?.[0] as PayjsComplaintItem;
    const human = await doctor(single(), ["--show"]);
    expect(human.code, human.all).toBe(0);
    expect(human.stdout).toContain(String(first.body));
    expect(human.stdout).toContain(String(first.complaint_id));
    expect(human.stdout).toMatch(/\+08:00/);
    expectNoSecrets(human, { show: true });

    const json = await doctor(single(), ["--json", "--show"]);
    expect(json.code, json.all).toBe(0);
    const list = json.json?.merchants?.[0]?.complaint_list as ShownComplaint[];
    expect(list).toHaveLength(15);
    expect(list[0]).toMatchObject({ id: String(first.complaint_id), body: first.body });
    expect(list.map((c) => c.body)).toEqual(fixtures.get(ONE.mchid)?.map((c) => c.body));
    expectNoSecrets(json, { show: true });
  });
});

describe("npm run doctor in Chinese (--lang zh, or a zh locale)", () => {
  const ZH = { LANG: "zh_CN.UTF-8" };

  it("the human report of a refused answer: verdict, what the answer showed and the advice, no English sentence", async () => {
    await setMode("mismatch");
    const run = await doctor(several([{ mchid: TWO.mchid, key: TWO.key, name: "Shop B" }], ZH), []);
    expect(run.code, run.all).toBe(1);
    expect(run.stdout).toContain(`商户 Shop B (${TWO.mchid})`);
    expect(run.stdout).toContain("结论：Worker 不会接受（bad_signature）：PAYJS 回答的签名对不上");
    expect(run.stdout).toContain("签名：对不上");
    expect(run.stdout).toContain(`先检查 PAYJS_MERCHANTS 里商户号 ${TWO.mchid} 的 "key"`);
    expect(run.stdout).toContain("RESPONSE_SIGNATURE=report");
    expect(run.stdout).toContain("（退出码 1）");
    expect(englishSentences(run.all)).toEqual([]);
    expectNoSecrets(run);

    const english = await doctor(several([{ mchid: TWO.mchid, key: TWO.key, name: "Shop B" }]), []);
    expect(englishSentences(english.all).length).toBeGreaterThan(5);
  });

  it.each([
    ["sign_php_sdk", {}, "Worker 会接受：签名验证通过（php-sdk）"],
    ["unsigned", { RESPONSE_SIGNATURE: "if_present" }, "Worker 会接受：没有签名，因为 RESPONSE_SIGNATURE=if_present 允许"],
    ["return_code_0", {}, "PAYJS 拒绝了查询：「商户号已被禁用」"],
    ["http_502", {}, "PAYJS 回答了 HTTP 502"],
    ["html_200", {}, "回答不是 JSON"],
  ])("%s: the verdict in Chinese, no English sentence", async (mode, more, verdict) => {
    await setMode(mode, { returnMsg: "商户号已被禁用" });
    const run = await doctor(single(ONE, { ...ZH, ...more }), ["--lang", "zh"]);
    expect(run.stdout).toContain(verdict);
    expect(englishSentences(run.all)).toEqual([]);
  });

  it("--json keeps its field names and values; its advice is in Chinese", async () => {
    await setMode("unsigned");
    const run = await doctor(single(ONE, ZH), ["--json"]);
    expect(run.code, run.all).toBe(1);
    const v = only(run);
    expect(Object.keys(v).sort()).toEqual(
      [
        "accepted",
        "advice",
        "complaints",
        "fields",
        "http_status",
        "message",
        "mchid",
        "name",
        "return_code",
        "scheme",
        "signature",
      ].sort(),
    );
    expect(v).toMatchObject({ accepted: false, signature: "absent", return_code: 1 });
    expect(v.advice).toEqual([
      "PAYJS 的回答没有签名，RESPONSE_SIGNATURE=strict 不接受。",
      expect.stringContaining("在 .dev.vars 里设 RESPONSE_SIGNATURE=if_present"),
    ]);
    expect(englishSentences(v.advice.join("\n"))).toEqual([]);
  });

  it("a settings error, an unknown argument and --help: in Chinese; --lang en over a zh locale", async () => {
    const bad = await doctor({ ...ZH, PAYJS_MERCHANTS: '[{"mchid":"1","key":"k","shop":"x"}]' }, []);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("PAYJS_MERCHANTS 第 1 项：有不认识的字段 shop");
    expect(bad.stderr).toContain("再运行 `npm run doctor`");
    const json = await doctor({ ...ZH, RESPONSE_SIGNATURE: "lenient", PAYJS_MCHID: ONE.mchid, PAYJS_KEY: ONE.key });
    expect(json.json?.error).toEqual({
      code: "bad_config",
      setting: "RESPONSE_SIGNATURE",
      message: "RESPONSE_SIGNATURE：只能是 strict、if_present 或 report",
    });
    const unknown = await doctor(ZH, ["--force"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("不认识的参数 --force");
    const help = await doctor({ LC_ALL: "zh_CN.UTF-8" }, ["--help"]);
    expect(help.stdout).toContain("用法：npm run doctor");
    for (const run of [bad, json, unknown, help]) expect(englishSentences(run.all)).toEqual([]);
    const english = await doctor({ LC_ALL: "zh_CN.UTF-8" }, ["--help", "--lang", "en"]);
    expect(english.stdout).toContain("Usage: npm run doctor");
  });
});
