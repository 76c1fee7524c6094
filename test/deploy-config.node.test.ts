/**
 * What `npm run setup` hands to wrangler deploys: `wrangler deploy --dry-run` builds the dashboard, bundles the
 * Worker and checks wrangler.toml as a real deploy would, without an account. The KV binding has no id, so the first
 * deploy creates the namespace (wrangler 4.86's provisioning) instead of failing on a placeholder.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, WRANGLER_BIN } from "./support/wrangler-dev";

const outDir = mkdtempSync(join(tmpdir(), "payjs-dry-run-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("wrangler deploy --dry-run", () => {
  const run = spawnSync(WRANGLER_BIN, ["deploy", "--dry-run", "--outdir", outDir], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    timeout: 120_000,
  });
  const output = `${run.stdout}\n${run.stderr}`;

  it("succeeds without an account", () => {
    expect(run.status, output).toBe(0);
    expect(output).toContain("--dry-run: exiting now.");
  });

  it("binds COMPLAINTS to a KV namespace, with no id in wrangler.toml for the first deploy to provision", () => {
    expect(output).toMatch(/env\.COMPLAINTS\s+KV Namespace/);
    const kvBlock = readFileSync(join(PROJECT_ROOT, "wrangler.toml"), "utf8").match(/^\[\[kv_namespaces\]\]\n(?:[^\n[]+\n)*/m);
    expect(kvBlock?.[0]).toContain('binding = "COMPLAINTS"');
    expect(kvBlock?.[0]).not.toMatch(/^id\s*=/m);
  });

  it("uploads the dashboard with the Worker, within the free plan's 3 MB compressed Worker size", () => {
    expect(output).toMatch(/Read \d+ files from the assets directory/);
    const bundle = statSync(join(outDir, "index.js")).size;
    expect(bundle).toBeGreaterThan(0);
    expect(bundle).toBeLessThan(3 * 1024 * 1024);
  });
});
