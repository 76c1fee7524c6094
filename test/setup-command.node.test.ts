/**
 * `npm run setup` as a user runs it (test/support/setup-run.ts: a child process against the bundled PAYJS sandbox,
 * with the stand-in wrangler): the deploy, its secrets file, the tokens, PUBLIC_URL, refusals and failures. Every
 * run is checked for leaked keys. The pure parts (arguments, tokens, missing settings, the deploy's secrets and
 * arguments, wrangler's output, the final block) are tested directly at the end. Alert channels are in
 * setup-channels.node.test.ts, --domain in setup-domain.node.test.ts, the language in setup-language.node.test.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { messagesFor } from "../scripts/i18n";
import { parseArgs } from "../scripts/setup/args";
import * as deploy from "../scripts/setup/deploy";
import { SetupError } from "../scripts/setup/errors";
import { chooseTokens, missingCredentials, missingError } from "../scripts/setup/inputs";
import { doneReport, tokensNote } from "../scripts/setup/report";
import { workerAddress } from "../scripts/setup/wrangler-output";
import { writeWranglerConfig } from "../scripts/wrangler-config";
import {
  api,
  type Call,
  control,
  count,
  expectNoKeys,
  newDir,
  ONE,
  payjsCalls,
  ROOT,
  SCRIPT,
  STAND_IN,
  secretsOf,
  setup,
  setupOnTerminal,
  shown,
  single,
  TOKEN,
  TWO,
  useSetupRuns,
  WORKERS_DEV,
} from "./support/setup-run";

const en = messagesFor("en");

useSetupRuns();

describe("npm run setup", () => {
  it("deploys once, a 0600 secrets file outside the repository removed after; the address and each token once", async () => {
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(0);
    expect(run.calls).toHaveLength(2);
    const call = run.calls[0] as Call;
    expect(call.argv).toEqual(["deploy", "--secrets-file", call.secretsPath]);
    expect(call.cwd.replace(/\/$/, "")).toBe(ROOT);

    const path = call.secretsPath as string;
    expect(path.startsWith(`${ROOT}/`)).toBe(false);
    expect(call.secrets?.mode).toBe(0o600);
    expect(call.secrets?.dirMode).toBe(0o700);
    const secrets = secretsOf(call);
    expect(Object.keys(secrets).sort()).toEqual(["ADMIN_TOKEN", "API_TOKENS", "PAYJS_API_BASE", "PAYJS_KEY", "PAYJS_MCHID"]);
    expect(secrets.PAYJS_API_BASE).toBe(api());
    expect(secrets.PAYJS_MCHID).toBe(ONE.mchid);
    expect(secrets.PAYJS_KEY).toBe(ONE.key);
    expect(existsSync(path)).toBe(false);
    expect(run.leftovers).toEqual([]);

    const { API_TOKENS: read, ADMIN_TOKEN: admin } = secrets as { API_TOKENS: string; ADMIN_TOKEN: string };
    expect(read).toMatch(TOKEN);
    expect(admin).toMatch(TOKEN);
    expect(read).not.toBe(admin);
    expect(count(run.all, read)).toBe(1);
    expect(count(run.all, admin)).toBe(1);
    expect(shown(run, "Worker")).toBe(WORKERS_DEV);
    expect(shown(run, "Dashboard")).toBe(`${WORKERS_DEV}/`);
    expect(shown(run, "Read token")).toBe(read);
    expect(shown(run, "Admin token")).toBe(admin);
    expect(run.stdout).toContain(`curl -H "Authorization: Bearer <read token>" ${WORKERS_DEV}/api/complaints`);
    expect(run.stdout).toContain("PAYJS_API_BASE and PUBLIC_URL are kept on the Worker as secrets");
    expect(run.stdout).toContain("If this Worker was deployed before, its old tokens stop working");
    expect(run.stdout).toContain("Warning: PAYJS_API_BASE is on this machine");
    expectNoKeys(run);
    const last = run.stdout.trimEnd().split("\n").slice(-2).join("\n");
    expect(last).toContain("No alert channel was set by this setup");
    expect(last).toContain("within 25 minutes");
    expect(last).toContain("Alerts arrive even where *.workers.dev cannot be opened (mainland China)");
    expect(last).toContain("npm run setup -- --domain watch.example.com (docs/deploy.md#custom-domain)");

    for (const name of ["PAYJS_KEY", "PAYJS_MCHID", "PAYJS_MERCHANTS", "API_TOKENS", "ADMIN_TOKEN", "NOTIFY_CHANNELS"]) {
      expect(call.envKeys).not.toContain(name);
    }
    const record = readFileSync(join(run.dir, ".wrangler", "setup.json"), "utf8");
    expect(JSON.parse(record)).toEqual({ deployed_at: expect.any(String), worker_url: WORKERS_DEV });
    expect(record).not.toContain(read);
    expect(record).not.toContain(admin);
  });

  it("refuses what the Worker would refuse (a sign by another key): exit 1, the doctor's advice, no wrangler", async () => {
    await control("mode", { mode: "bad_sign" });
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain("NOT accepted (bad_signature)");
    expect(run.stdout).toContain(`First check PAYJS_KEY (the key of mchid ${ONE.mchid})`);
    expect(run.stderr).toContain("Nothing was deployed.");
    expect(run.all).not.toMatch(/Read token|Admin token/);
    expect(existsSync(join(run.dir, ".wrangler"))).toBe(false);
    expectNoKeys(run);
  });

  it("refuses PAYJS's own refusal too (return_code 0), naming its message", async () => {
    await control("mode", { mode: "return_code_0", returnMsg: "商户号已被禁用" });
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain("PAYJS refused the call and said: 商户号已被禁用");
    expectNoKeys(run);
  });

  it("deploys anyway when PAYJS only says it was asked too often (setup run again soon), saying the check told nothing", async () => {
    await control("mode", { mode: "return_code_0", returnMsg: "请求过于频繁，请4小时后再试" });
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(0);
    expect(run.calls.map((c) => c.argv[0])).toContain("deploy");
    expect(run.stdout).toContain(
      'PAYJS said it was asked too often ("请求过于频繁，请4小时后再试"), so this check tells nothing; deploying anyway',
    );
    expectNoKeys(run);
  });

  it("--yes with nothing set (no .dev.vars): exit 2 naming PAYJS_MCHID, PAYJS_KEY, PAYJS_MERCHANTS; no PAYJS call", async () => {
    const before = await payjsCalls();
    const run = await setup({ env: { PAYJS_API_BASE: api() }, args: ["--", "--yes"] });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain("missing PAYJS_MCHID and PAYJS_KEY (or PAYJS_MERCHANTS)");
    expect(run.stderr).toContain("run without --yes to be asked");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("without a terminal it cannot ask either: exit 2; a half pair in .dev.vars names the other half", async () => {
    const none = await setup({ env: { PAYJS_API_BASE: api() } });
    expect(none.code, none.all).toBe(2);
    expect(none.stderr).toContain("run setup in a terminal to be asked");

    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `PAYJS_MCHID="${ONE.mchid}"\n`);
    const half = await setup({ env: { PAYJS_API_BASE: api() }, args: ["--yes"], dir });
    expect(half.code, half.all).toBe(2);
    expect(half.stderr).toContain("missing PAYJS_KEY (PAYJS_MCHID is set)");
    expect(half.calls).toEqual([]);
  });

  it("reads the credentials from .dev.vars in the current directory", async () => {
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `# local\nPAYJS_MCHID="${ONE.mchid}"\nPAYJS_KEY='${ONE.key}'\n`);
    const run = await setup({ env: { PAYJS_API_BASE: api() }, dir });
    expect(run.code, run.all).toBe(0);
    expect(secretsOf(run.calls[0]).PAYJS_KEY).toBe(ONE.key);
    expectNoKeys(run);
  });

  it("a wrong setting: exit 2 naming it, no key printed, nothing called", async () => {
    const before = await payjsCalls();
    const run = await setup({ env: { PAYJS_API_BASE: api(), PAYJS_MERCHANTS: `[{"mchid":"${ONE.mchid}","key":"${ONE.key}"` } });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain("PAYJS_MERCHANTS: is not valid JSON");
    expect(run.stderr).toContain("Fix PAYJS_MERCHANTS");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
    expectNoKeys(run);
  });

  it("a bad --channels file: exit 2 naming the problem, before PAYJS or wrangler is called", async () => {
    const dir = newDir("setup-test-");
    const cases: [string, string][] = [
      ['[{"type":"pager","url":"https://example.com/hook"}]', "NOTIFY_CHANNELS: [0].type must be one of"],
      ['[{"type":"webhook","url":"https://example.com/hook"', "NOTIFY_CHANNELS: is not valid JSON"],
      [
        '[{"type":"webhook","url":"https://example.com/hook","merchants":["999"]}]',
        'NOTIFY_CHANNELS: [0].merchants has "999", which is not one of the configured mchids',
      ],
    ];
    const before = await payjsCalls();
    for (const [i, [text, problem]] of cases.entries()) {
      writeFileSync(join(dir, `bad${i}.json`), text);
      const run = await setup({ env: single(), args: ["--channels", `bad${i}.json`], dir });
      expect(run.code, run.all).toBe(2);
      expect(run.stderr).toContain(`bad${i}.json: ${problem}`);
      expect(run.calls).toEqual([]);
    }
    const missing = await setup({ env: single(), args: ["--channels=nowhere.json"], dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nowhere.json: cannot be read (ENOENT)");
    expect(await payjsCalls()).toBe(before);
  });

  it("wrangler failing: exit 1, the secrets file removed anyway, no tokens shown, no record", async () => {
    const run = await setup({ env: single({ STAND_IN_EXIT: "1" }) });
    expect(run.code, run.all).toBe(1);
    expect(run.calls).toHaveLength(1);
    const secrets = secretsOf(run.calls[0]);
    expect(existsSync(run.calls[0]?.secretsPath as string)).toBe(false);
    expect(run.leftovers).toEqual([]);
    expect(run.stderr).toContain("wrangler deploy failed (exit 1); nothing else was changed by setup");
    expect(run.stderr).toContain("npx wrangler login");
    expect(run.all).not.toContain(secrets.API_TOKENS as string);
    expect(run.all).not.toContain(secrets.ADMIN_TOKEN as string);
    expect(run.all).not.toMatch(/Deployed\.|Read token/);
    expect(existsSync(join(run.dir, ".wrangler", "setup.json"))).toBe(false);
    expectNoKeys(run);
  });

  it("a wrangler that cannot be started: exit 1, the secrets file removed", async () => {
    const run = await setup({ env: single({ WRANGLER: join(ROOT, "no-such-wrangler") }) });
    expect(run.code, run.all).toBe(1);
    expect(run.stderr).toContain("could not start");
    expect(run.leftovers).toEqual([]);
  });

  it("stdout closed while wrangler runs (a pipe into head): setup fails, the secrets file removed all the same", async () => {
    const run = await setup({ env: single({ STAND_IN_SLEEP_MS: "500" }), closeStdoutWhileDeploying: true });
    expect(run.calls).toHaveLength(1);
    expect(run.code, run.all).not.toBe(0);
    expect(existsSync(run.calls[0]?.secretsPath as string)).toBe(false);
    expect(run.leftovers).toEqual([]);
  });

  it("a signal while wrangler runs: forwarded to wrangler, the secrets file removed at once", async () => {
    const run = await setup({
      env: single({ STAND_IN_SLEEP_MS: "20000" }),
      whileDeploying: (pid) => process.kill(pid, "SIGTERM"),
    });
    const path = run.calls[0]?.secretsPath ?? null;
    expect(run.code, run.all).toBe(143);
    expect(run.stderr).toContain("wrangler was stopped (SIGTERM); the secrets file is removed");
    expect(path).not.toBeNull();
    expect(existsSync(path as string)).toBe(false);
    expect(run.leftovers).toEqual([]);
    expect(run.all).not.toMatch(/Read token/);
  });

  it("wrangler's own output passes the scrubber: a key it echoes is hidden", async () => {
    const run = await setup({ env: single({ STAND_IN_ECHO_SECRETS: "1" }) });
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('"PAYJS_KEY": "[key hidden]"');
    expectNoKeys(run);
  });

  it("tokens given in .dev.vars or the environment are used as given; no warning about old tokens", async () => {
    const read = "r".repeat(40);
    const admin = "a".repeat(40);
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `API_TOKENS="${read},${"s".repeat(40)}"\n`);
    const run = await setup({ env: single({ ADMIN_TOKEN: admin }), dir });
    expect(run.code, run.all).toBe(0);
    const secrets = secretsOf(run.calls[0]);
    expect(secrets.API_TOKENS).toBe(`${read},${"s".repeat(40)}`);
    expect(secrets.ADMIN_TOKEN).toBe(admin);
    expect(run.stdout).toContain("Using API_TOKENS as given and ADMIN_TOKEN as given.");
    expect(run.stdout).not.toContain("stop working");
    expect(count(run.all, admin)).toBe(1);

    const short = await setup({ env: single({ API_TOKENS: "my-short-token" }) });
    expect(short.code, short.all).toBe(0);
    expect(secretsOf(short.calls[0]).API_TOKENS).toBe("my-short-token");
    expect(secretsOf(short.calls[0]).ADMIN_TOKEN).toMatch(TOKEN);
    expect(short.stdout).toContain("Warning: API_TOKENS holds a token shorter than 32 characters");
    expect(short.stdout).toContain("its old admin token stops working");
  });

  it("npm run dev's published tokens: exit 2 naming the setting, before PAYJS or wrangler is called", async () => {
    const before = await payjsCalls();
    const read = await setup({ env: single({ API_TOKENS: `${"r".repeat(40)},dev-read-token` }) });
    expect(read.code, read.all).toBe(2);
    expect(read.stderr).toContain("API_TOKENS holds dev-read-token, npm run dev's published token");
    const admin = await setup({ env: single({ ADMIN_TOKEN: "dev-admin-token" }) });
    expect(admin.code, admin.all).toBe(2);
    expect(admin.stderr).toContain("ADMIN_TOKEN holds dev-admin-token");
    expect([...read.calls, ...admin.calls]).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("equal read and admin tokens: exit 2 naming ADMIN_TOKEN, before PAYJS or wrangler is called", async () => {
    const before = await payjsCalls();
    const token = "t".repeat(40);
    const run = await setup({ env: single({ API_TOKENS: `x${token},${token}`, ADMIN_TOKEN: token }) });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain("ADMIN_TOKEN must differ from every read token in API_TOKENS");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("a re-run makes new tokens and says the old ones, from the earlier setup, stop working", async () => {
    const dir = newDir("setup-test-");
    const first = await setup({ env: single(), dir });
    expect(first.code, first.all).toBe(0);
    const second = await setup({ env: single(), dir });
    expect(second.code, second.all).toBe(0);
    expect(second.stdout).toMatch(
      /The tokens from the setup of \d{4}-\d\d-\d\d \d\d:\d\d UTC \(https:\/\/[^)]+\) stop working with this deploy/,
    );
    expect(second.stdout).toContain("no longer work: hand out the new ones");
    const old = secretsOf(first.calls[0]);
    const now = secretsOf(second.calls[0]);
    expect(now.API_TOKENS).not.toBe(old.API_TOKENS);
    expect(now.ADMIN_TOKEN).not.toBe(old.ADMIN_TOKEN);
  });

  it("PAYJS_MERCHANTS instead of the pair: both merchants checked, deployed as given, no key printed", async () => {
    const merchants = JSON.stringify([
      { mchid: ONE.mchid, key: ONE.key, name: "one" },
      { mchid: TWO.mchid, key: TWO.key },
    ]);
    const run = await setup({ env: { PAYJS_API_BASE: api(), PAYJS_MERCHANTS: merchants, RESPONSE_SIGNATURE: "strict" } });
    expect(run.code, run.all).toBe(0);
    const secrets = secretsOf(run.calls[0]);
    const names = ["ADMIN_TOKEN", "API_TOKENS", "PAYJS_API_BASE", "PAYJS_MERCHANTS", "RESPONSE_SIGNATURE"];
    expect(Object.keys(secrets).sort()).toEqual(names);
    expect(secrets.PAYJS_MERCHANTS).toBe(merchants);
    expect(secrets.RESPONSE_SIGNATURE).toBe("strict");
    expect(run.stdout).toContain(`one (${ONE.mchid}): accepted`);
    expect(run.stdout).toContain(`${TWO.mchid}: accepted`);
    expectNoKeys(run);
  });

  it("prefers a custom domain wrangler reported (and PUBLIC_URL follows it); no address: tokens shown, exit 1 naming PUBLIC_URL", async () => {
    const custom = await setup({ env: single({ STAND_IN_TARGETS: "custom_domain" }) });
    expect(custom.code, custom.all).toBe(0);
    expect(shown(custom, "Worker")).toBe("https://watch.example.com");
    expect(shown(custom, "Dashboard")).toBe("https://watch.example.com/");
    expect(custom.worker?.secrets.PUBLIC_URL).toBe("https://watch.example.com");
    expect(custom.stdout).toContain("open the dashboard at https://watch.example.com.");

    const none = await setup({ env: single({ STAND_IN_TARGETS: "none" }) });
    expect(none.code, none.all).toBe(1);
    expect(none.calls.map((c) => c.argv[0])).toEqual(["deploy"]);
    expect(none.stdout).toContain("wrangler printed no address");
    expect(none.stdout).toContain("Cloudflare dashboard");
    expect(shown(none, "Read token")).toMatch(TOKEN);
    expect(none.stderr).toContain("PUBLIC_URL is not set (wrangler printed no address): run `npx wrangler secret put PUBLIC_URL`");
  });

  it("an unknown argument: exit 2 with the usage; --help: exit 0", async () => {
    const bad = await setup({ env: single(), args: ["--force"] });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown argument --force");
    expect(bad.stderr).toContain("Usage: npm run setup");
    expect(bad.calls).toEqual([]);
    const help = await setup({ args: ["--help"] });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--channels FILE");
    expect(help.stdout).toContain("--domain NAME");
    expect(help.stdout).toContain("--lang en|zh");
  });
});

/** `npm run deploy`, as package.json runs it (`wrangler deploy`, no secrets file), against the Worker of a setup. */
function plainDeploy(workerPath: string): { code: number | null; worker: Record<string, unknown> } {
  const run = spawnSync("node", [STAND_IN, "deploy"], {
    cwd: ROOT,
    env: { ...process.env, STAND_IN_WORKER: workerPath, STAND_IN_RECORD: "" },
  });
  return { code: run.status, worker: JSON.parse(readFileSync(workerPath, "utf8")) as Record<string, unknown> };
}

describe("npm run setup: PUBLIC_URL, and what a later npm run deploy keeps", () => {
  it("no PUBLIC_URL given: set after the deploy to wrangler's address, by secret put with the value on stdin only", async () => {
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(0);
    const [deployCall, put] = run.calls as [Call, Call];
    expect(secretsOf(deployCall).PUBLIC_URL).toBeUndefined();
    expect(put.argv).toEqual(["secret", "put", "PUBLIC_URL"]);
    expect(put.stdin).toBe(WORKERS_DEV);
    expect(put.cwd.replace(/\/$/, "")).toBe(ROOT);
    expect(run.worker?.secrets.PUBLIC_URL).toBe(WORKERS_DEV);
    expect(run.worker?.vars).toEqual({});
    expect(run.stdout).toContain(`PUBLIC_URL: node ${STAND_IN} secret put PUBLIC_URL (${WORKERS_DEV}, on its standard input)`);
  });

  it("a later wrangler deploy without a secrets file (npm run deploy) keeps PUBLIC_URL and the settings setup deployed", async () => {
    const run = await setup({ env: single({ RESPONSE_SIGNATURE: "if_present", UPSTREAM_TIMEOUT_MS: "5000" }) });
    expect(run.code, run.all).toBe(0);
    const later = plainDeploy(run.workerPath);
    expect(later.code).toBe(0);
    expect(later.worker.vars).toEqual({});
    expect(later.worker.secrets).toMatchObject({
      PUBLIC_URL: WORKERS_DEV,
      PAYJS_API_BASE: api(),
      RESPONSE_SIGNATURE: "if_present",
      UPSTREAM_TIMEOUT_MS: "5000",
    });
    expect(run.stdout).toContain(
      "PAYJS_API_BASE, RESPONSE_SIGNATURE, UPSTREAM_TIMEOUT_MS and PUBLIC_URL are kept on the Worker as secrets",
    );
  });

  it("PUBLIC_URL in .dev.vars, or the environment (which wins): in the secrets file, no secret put", async () => {
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), 'PUBLIC_URL="https://watch.shop.example/"\n');
    const fromFile = await setup({ env: single(), dir });
    expect(fromFile.code, fromFile.all).toBe(0);
    expect(fromFile.calls.map((c) => c.argv[0])).toEqual(["deploy"]);
    expect(secretsOf(fromFile.calls[0]).PUBLIC_URL).toBe("https://watch.shop.example");
    expect(fromFile.worker?.secrets.PUBLIC_URL).toBe("https://watch.shop.example");
    expect(fromFile.stdout).toContain("PUBLIC_URL: https://watch.shop.example (from .dev.vars), as a secret");
    expect(fromFile.stdout).toContain("open the dashboard at https://watch.shop.example.");

    const fromEnv = await setup({ env: single({ PUBLIC_URL: "https://env.shop.example" }), dir });
    expect(fromEnv.code, fromEnv.all).toBe(0);
    expect(secretsOf(fromEnv.calls[0]).PUBLIC_URL).toBe("https://env.shop.example");
    expect(fromEnv.stdout).toContain("(from the environment)");
  });

  it("a PUBLIC_URL that is no URL: exit 2 naming it, before PAYJS or wrangler is called", async () => {
    const before = await payjsCalls();
    const run = await setup({ env: single({ PUBLIC_URL: "watch.shop.example" }) });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain("PUBLIC_URL: must be an absolute http(s) URL");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("secret put failing: the Worker is deployed and the tokens shown, then exit 1 with the command to run", async () => {
    const run = await setup({ env: single({ STAND_IN_SECRET_EXIT: "1" }) });
    expect(run.code, run.all).toBe(1);
    expect(run.calls.map((c) => c.argv[0])).toEqual(["deploy", "secret"]);
    expect(shown(run, "Admin token")).toMatch(TOKEN);
    expect(run.stderr).toContain("wrangler secret put PUBLIC_URL failed (exit 1)");
    expect(run.stderr).toContain(`Run \`npx wrangler secret put PUBLIC_URL\` and type ${WORKERS_DEV}.`);
    expect(run.stdout).not.toContain("PUBLIC_URL are kept");
  });
});

describe.skipIf(SCRIPT === undefined)("npm run setup on a terminal", () => {
  it("asks for PAYJS_MCHID, then PAYJS_KEY without echo; a re-run asks before replacing the tokens", async () => {
    const dir = newDir("setup-test-");
    const credentials: [string, string][] = [
      ["PAYJS_MCHID (the merchant id): ", ONE.mchid],
      ["not shown as you type): ", ONE.key],
    ];
    // No alert channel: the channel questions are answered no (Enter).
    const noChannels: [string, string][] = [
      ["Add a WeCom group robot? [y/N] ", ""],
      ["Add PushPlus (messages to your personal WeChat)? [y/N] ", ""],
      ["Add WxPusher (messages to your personal WeChat)? [y/N] ", ""],
    ];
    const first = await setupOnTerminal(dir, [...credentials, ...noChannels]);
    expect(first.code, first.all).toBe(0);
    expect(first.questions).toBe(5);
    expect(first.all).toContain(ONE.mchid);
    expectNoKeys(first);
    const secrets = secretsOf(first.calls[0]);
    expect([secrets.PAYJS_MCHID, secrets.PAYJS_KEY]).toEqual([ONE.mchid, ONE.key]);

    const again = await setupOnTerminal(dir, [...credentials, ["Deploy with new tokens? [y/N] ", "n"]]);
    expect(again.code, again.all).toBe(1);
    expect(again.questions).toBe(3);
    expect(again.all).toMatch(/The tokens from the setup of .* stop working/);
    expect(again.all).toContain("Nothing was deployed.");
    expect(again.calls).toEqual([]);
    expectNoKeys(again);
  });
});

describe("setup's pure parts", () => {
  it("arguments: --yes, --channels FILE or =FILE, --domain, --replace-dns, --lang, npm's --, anything else refused", () => {
    const parsed = parseArgs(["--", "--yes", "--channels", "c.json", "--domain", "Watch.Example.com", "--replace-dns", "--lang", "zh"], en);
    expect(parsed).toEqual({ yes: true, channels: "c.json", domain: "watch.example.com", replaceDns: true, help: false });
    expect(parseArgs(["--channels=c.json", "--lang=en"], en).channels).toBe("c.json");
    expect(() => parseArgs(["--channels"], en)).toThrow(SetupError);
    expect(() => parseArgs(["--channels", "--yes"], en)).toThrow("--channels needs a FILE");
    expect(() => parseArgs(["--domain"], en)).toThrow("--domain needs a NAME");
    for (const bad of ["https://watch.example.com", "watch", "watch.example.com/", "-a.example.com", "a..example.com"]) {
      expect(() => parseArgs(["--domain", bad], en), bad).toThrow("--domain takes a host name");
    }
    expect(() => parseArgs(["--replace-dns"], en)).toThrow("--replace-dns goes with --domain NAME");
    expect(() => parseArgs(["--lang", "fr"], en)).toThrow('--lang takes en or zh, not "fr"');
    expect(() => parseArgs(["deploy"], en)).toThrow("unknown argument deploy");
  });

  it("missing credentials: both, one half, or none when PAYJS_MERCHANTS is set", () => {
    expect(missingCredentials({})).toEqual(["PAYJS_MCHID", "PAYJS_KEY"]);
    expect(missingCredentials({ PAYJS_MCHID: "1" })).toEqual(["PAYJS_KEY"]);
    expect(missingCredentials({ PAYJS_KEY: "k" })).toEqual(["PAYJS_MCHID"]);
    expect(missingCredentials({ PAYJS_MERCHANTS: "[]" })).toEqual([]);
    const error = missingError(["PAYJS_MCHID", "PAYJS_KEY"], "yes", en);
    expect([error.code, error.status, error.setting]).toEqual(["missing", 2, "PAYJS_MCHID"]);
  });

  it("a PAYJS_API_BASE on this machine is recognised", () => {
    for (const base of ["http://127.0.0.1:8788/api", "http://localhost/api", "http://[::1]:1/api", "http://a.localhost/api"]) {
      expect(deploy.isLocalApiBase(base), base).toBe(true);
    }
    for (const base of ["https://payjs.cn/api", "https://127.example.com/api", "not a url"]) {
      expect(deploy.isLocalApiBase(base), base).toBe(false);
    }
  });

  it("tokens: new ones 43 URL-safe characters and different; given ones kept; clashes and spaces refused", () => {
    const made = chooseTokens({}, en);
    expect(made.read).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.admin).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.read).not.toBe(made.admin);
    expect(made.generated).toEqual(["API_TOKENS", "ADMIN_TOKEN"]);
    // A generator that repeats itself is asked again until the two differ.
    const values = ["same", "same", "other"];
    expect(chooseTokens({}, en, () => values.shift() as string)).toMatchObject({ read: "same", admin: "other" });
    expect(chooseTokens({ API_TOKENS: "a,b", ADMIN_TOKEN: "c" }, en)).toEqual({ read: "a,b", admin: "c", generated: [] });
    expect(() => chooseTokens({ API_TOKENS: "a, b", ADMIN_TOKEN: "b" }, en)).toThrow("ADMIN_TOKEN must differ");
    expect(() => chooseTokens({ ADMIN_TOKEN: "a b" }, en)).toThrow("ADMIN_TOKEN holds a space");
    expect(() => chooseTokens({ API_TOKENS: " , " }, en)).toThrow("API_TOKENS holds no token");
  });

  it("the deploy: credentials, tokens, channels, the checked settings and PUBLIC_URL as secrets; no --var; no secret in the env", () => {
    const tokens = { read: "r", admin: "a", generated: [] };
    const values = { PAYJS_MCHID: " 1 ", PAYJS_KEY: "k", PAYJS_API_BASE: " http://h:1/api ", UPSTREAM_TIMEOUT_MS: "500" };
    const secrets = deploy.deploySecrets(values, { tokens, channels: "[]", publicUrl: "https://w.example" });
    expect(secrets).toEqual({
      PAYJS_MCHID: "1",
      PAYJS_KEY: "k",
      API_TOKENS: "r",
      ADMIN_TOKEN: "a",
      NOTIFY_CHANNELS: "[]",
      PAYJS_API_BASE: "http://h:1/api",
      UPSTREAM_TIMEOUT_MS: "500",
      PUBLIC_URL: "https://w.example",
    });
    expect(deploy.keptNames(secrets)).toEqual(["PAYJS_API_BASE", "UPSTREAM_TIMEOUT_MS", "PUBLIC_URL"]);
    expect(deploy.deploySecrets({}, { tokens, channels: null, publicUrl: null })).toEqual({ API_TOKENS: "r", ADMIN_TOKEN: "a" });
    expect(deploy.deployArgs("/t/s.json")).toEqual(["deploy", "--secrets-file", "/t/s.json"]);
    const custom = { config: "/t/wrangler.toml", domain: "w.example" };
    expect(deploy.deployArgs("/t/s.json", custom)).toEqual([
      "deploy",
      "--secrets-file",
      "/t/s.json",
      "--config",
      "/t/wrangler.toml",
      "--domains",
      "w.example",
    ]);
    expect(deploy.wranglerCommand({})).toEqual({ file: "npx", args: ["wrangler"], shown: "npx wrangler" });
    const split = { file: "node", args: ["/x/w.mjs"], shown: "node /x/w.mjs" };
    expect(deploy.wranglerCommand({ WRANGLER: " node  /x/w.mjs " })).toEqual(split);
    const env = deploy.childEnv({ PATH: "/bin", PAYJS_KEY: "k", NOTIFY_CHANNELS: "[]", PAYJS_API_BASE: "x" });
    expect(Object.keys(env).sort()).toEqual(["PATH", "PAYJS_API_BASE"]);
  });

  it("the config copy for --domain: workers_dev = true at the top level, paths absolute, wrangler.toml untouched", () => {
    const before = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
    const path = writeWranglerConfig(newDir("setup-config-"), { workersDev: true });
    const copy = readFileSync(path, "utf8");
    expect(copy).toMatch(/^workers_dev = true$/m);
    expect(copy.indexOf("workers_dev = true")).toBeLessThan(copy.indexOf("\n["));
    expect(copy).toContain(`main = ${JSON.stringify(join(ROOT, "src/index.ts"))}`);
    expect(copy).toContain(`directory = ${JSON.stringify(join(ROOT, "dist/dashboard"))}`);
    // Line for line the same but the new one and the paths.
    const pathLine = /^(main|directory|command) = /;
    const others = (text: string): string[] => text.split("\n").filter((line) => !pathLine.test(line) && line !== "workers_dev = true");
    expect(others(copy)).toEqual(others(before));
    expect(readFileSync(join(ROOT, "wrangler.toml"), "utf8")).toBe(before);
  });

  it("wrangler's output: a workers.dev target, a custom domain preferred, colours ignored, none", () => {
    const block = (targets: string[]): string =>
      ["Uploaded w (1.00 sec)", "Deployed w triggers (0.50 sec)", ...targets.map((t) => `  ${t}`), "Version: x"].join("\n");
    expect(workerAddress(block(["https://w.me.workers.dev", "schedule: */30 * * * *"]))).toEqual({
      url: "https://w.me.workers.dev",
      kind: "workers_dev",
    });
    expect(workerAddress(block(["https://w.me.workers.dev", "Watch.Example.com (custom domain)"]))).toEqual({
      url: "https://watch.example.com",
      kind: "custom_domain",
    });
    const zoned = block(["watch.example.com (custom domain - zone name: example.com)"]);
    expect(workerAddress(zoned)?.url).toBe("https://watch.example.com");
    expect(workerAddress(`\u001b[2m${block(["https://w.me.workers.dev"])}\u001b[22m`)?.url).toBe("https://w.me.workers.dev");
    expect(workerAddress(block(["example.com/* (zone name: example.com)", "schedule: */30 * * * *"]))).toBeNull();
    expect(workerAddress("See https://w.me.workers.dev for details")).toBeNull();
    expect(workerAddress("")).toBeNull();
  });

  it("the final block shows each token once; the token note names the earlier setup", () => {
    const tokens = { read: "R".repeat(43), admin: "A".repeat(43), generated: ["API_TOKENS" as const, "ADMIN_TOKEN" as const] };
    const done = { tokens, kept: [], replaced: null, workerName: "w", publicUrl: null, keepDomain: null, channels: true };
    const more = { signIn: null, columns: null };
    const text = doneReport({ ...done, ...more, address: { url: "https://w.workers.dev", kind: "workers_dev" } }, en);
    expect(count(text, tokens.read)).toBe(1);
    expect(count(text, tokens.admin)).toBe(1);
    expect(text).toContain('The first alert, "监控已启动" (watcher started), reaches your alert channels within 25 minutes');
    const note = tokensNote(tokens, { deployed_at: "2026-05-01T08:30:12.345Z", worker_url: "https://w.workers.dev" }, en).join("\n");
    expect(note).toContain("The tokens from the setup of 2026-05-01 08:30 UTC (https://w.workers.dev) stop working");
  });
});
