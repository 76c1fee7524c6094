/**
 * `npm run setup -- --domain NAME` (test/support/setup-run.ts runs it): the DNS check first, against a local DNS
 * server (test/support/dns-responder.ts, through SETUP_DNS_SERVER): a NAME with records is refused unless
 * `--replace-dns`, a lookup that fails stops setup; then `wrangler deploy --domains NAME` with a config copy that
 * keeps workers.dev on, and `PUBLIC_URL=https://NAME` in the secrets file.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DnsResponder, startDnsResponder } from "./support/dns-responder";
import { englishSentences } from "./support/english-check";
import { type Call, newDir, payjsCalls, ROOT, secretsOf, setup, shown, single, useSetupRuns, WORKERS_DEV } from "./support/setup-run";

useSetupRuns();

const FREE = "watch.shop.example";
const TAKEN = "www.shop.example";

let dns: DnsResponder;

beforeAll(async () => {
  dns = await startDnsResponder({ [TAKEN]: ["192.0.2.10", "192.0.2.11"] });
});

beforeEach(() => {
  dns.questions.length = 0;
});

afterAll(async () => {
  await dns?.close();
});

function domainEnv(more: Record<string, string> = {}): Record<string, string> {
  return single({ SETUP_DNS_SERVER: dns.server, ...more });
}

describe("npm run setup --domain NAME", () => {
  it("a name without records: deployed with --domains NAME, workers.dev kept on, PUBLIC_URL https://NAME as a secret", async () => {
    const run = await setup({ env: domainEnv(), args: ["--domain", FREE] });
    expect(run.code, run.all).toBe(0);
    expect(
      dns.questions
        .filter((q) => q.name === FREE)
        .map((q) => q.type)
        .sort((a, b) => a - b),
    ).toEqual([1, 5, 28]);
    expect(run.calls).toHaveLength(1);
    const call = run.calls[0] as Call;
    expect(call.argv.slice(0, 3)).toEqual(["deploy", "--secrets-file", call.secretsPath]);
    expect(call.argv.slice(3)).toEqual(["--config", call.config.path, "--domains", FREE]);
    expect(call.config.path.startsWith(`${ROOT}/`)).toBe(false);
    expect(call.config.text).toMatch(/^workers_dev = true$/m);
    expect(secretsOf(call).PUBLIC_URL).toBe(`https://${FREE}`);
    expect(run.worker).toMatchObject({ domains: [FREE], workers_dev: true });
    expect(run.worker?.secrets.PUBLIC_URL).toBe(`https://${FREE}`);
    expect(run.leftovers).toEqual([]);
    expect(shown(run, "Worker")).toBe(`https://${FREE}`);
    expect(run.stdout).toContain(`${WORKERS_DEV}\n`);
    expect(run.stdout).toContain(`${FREE} has no A, AAAA or CNAME record`);
    expect(run.stdout).toContain(`PUBLIC_URL: https://${FREE} (--domain), as a secret`);
    expect(run.stdout).toContain(`Put PUBLIC_URL="https://${FREE}" in .dev.vars`);
    expect(run.stdout).toContain(`open the dashboard at https://${FREE}.`);
  });

  it("--domain wins over PUBLIC_URL in .dev.vars; the same address there needs no advice to keep it", async () => {
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), "PUBLIC_URL=https://old.shop.example\n");
    const other = await setup({ env: domainEnv(), args: ["--domain", FREE], dir });
    expect(other.code, other.all).toBe(0);
    expect(secretsOf(other.calls[0]).PUBLIC_URL).toBe(`https://${FREE}`);
    expect(other.stdout).toContain(`Put PUBLIC_URL="https://${FREE}" in .dev.vars`);

    writeFileSync(join(dir, ".dev.vars"), `PUBLIC_URL=https://${FREE}\n`);
    const same = await setup({ env: domainEnv(), args: ["--domain", FREE], dir });
    expect(same.code, same.all).toBe(0);
    expect(same.stdout).not.toContain("Put PUBLIC_URL=");
  });

  it("a name with A records: exit 2 naming them, before PAYJS or wrangler is called", async () => {
    const before = await payjsCalls();
    const run = await setup({ env: domainEnv(), args: ["--domain", TAKEN] });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain(`${TAKEN} already has DNS records (A 192.0.2.10, A 192.0.2.11)`);
    expect(run.stderr).toContain("add --replace-dns");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("--replace-dns: no DNS question, deployed with the domain", async () => {
    const run = await setup({ env: domainEnv(), args: ["--domain", TAKEN, "--replace-dns"] });
    expect(run.code, run.all).toBe(0);
    expect(dns.questions).toEqual([]);
    expect(run.stdout).toContain(`Custom domain ${TAKEN}: DNS not checked (--replace-dns)`);
    expect(run.calls[0]?.argv).toContain(TAKEN);
    expect(run.worker?.domains).toEqual([TAKEN]);
  });

  it("a lookup that fails (no DNS server answers): exit 2 saying it could not check and that --replace-dns skips it", async () => {
    const run = await setup({ env: domainEnv({ SETUP_DNS_SERVER: "127.0.0.1:9" }), args: ["--domain", FREE] });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain(`could not check the DNS records of ${FREE} (ECONNREFUSED); nothing was deployed`);
    expect(run.stderr).toContain("add --replace-dns to skip the check");
    expect(run.calls).toEqual([]);
  });

  it("in Chinese: the check and the refusal, with no English sentence", async () => {
    const ok = await setup({ env: domainEnv({ LANG: "zh_CN.UTF-8" }), args: ["--domain", FREE] });
    expect(ok.code, ok.all).toBe(0);
    expect(ok.stdout).toContain(`看板请用 https://${FREE} 打开。`);
    expect(englishSentences(ok.all)).toEqual([]);
    const taken = await setup({ env: domainEnv({ LANG: "zh_CN.UTF-8" }), args: ["--domain", TAKEN] });
    expect(taken.code, taken.all).toBe(2);
    expect(taken.stderr).toContain(`${TAKEN} 已经有 DNS 记录（A 192.0.2.10, A 192.0.2.11）`);
    expect(englishSentences(taken.all)).toEqual([]);
  });
});
