/**
 * The dashboard is static files: the Worker under `wrangler dev` serves dashboard/ as assets with the headers of
 * dashboard/_headers, as Cloudflare does (a strict Content-Security-Policy with Trusted Types, content-hashed
 * assets cached for a year), while every other path still reaches the Worker. So a Worker with an invalid setting
 * still serves the page, which shows the API's bad_config error. Seen with Debian's Chromium driven by
 * playwright-core; no poll is needed for any of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { READ_TOKEN, startDashboardStack } from "./support/browser";
import { CSP, type PageDocument, type PageStorage, pattern, SECOND_NAME, signIn, useDashboard, waitMsg, zh } from "./support/dashboard";
import { startWranglerDev, type WranglerDev } from "./support/wrangler-dev";

declare const document: PageDocument, localStorage: PageStorage;

describe("the dashboard as static files", () => {
  const rig = useDashboard(() => startDashboardStack({ secondName: SECOND_NAME }));

  it("serves the page as static files with a strict Content-Security-Policy, Trusted Types enforced", async () => {
    const res = await fetch(`${rig.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(CSP).toContain("require-trusted-types-for 'script'");
    expect(csp).toBe(CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    const html = await res.text();
    // The script and the style sheet, by content hash, cached for a year, under the same policy.
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/dashboard\.\w+\.(?:js|css))"/g)].map((m) => m[1] as string);
    expect(assets).toHaveLength(2);
    for (const path of assets) {
      const asset = await fetch(`${rig.base}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toMatch(path.endsWith(".js") ? /^text\/javascript/ : /^text\/css/);
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(asset.headers.get("content-security-policy")).toBe(CSP);
    }
    const again = await fetch(`${rig.base}/`, { headers: { "If-None-Match": res.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
    const post = await fetch(`${rig.base}/`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    // Paths without a file still reach the Worker: its JSON 404, and the API.
    const missing = await fetch(`${rig.base}/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
    expect((await fetch(`${rig.base}/api/status`)).status).toBe(401);

    const { page, allow } = await rig.ui.open();
    await waitMsg(page, pattern(zh.msgNoToken));
    allow.push(/TrustedHTML/); // Chromium reports the refused assignment below
    const sink = await page.evaluate(() => {
      try {
        document.createElement("div").innerHTML = "<b>x</b>";
        return "assigned";
      } catch (error) {
        return String(error);
      }
    });
    expect(sink).toMatch(/TypeError.*TrustedHTML/);
  });

  describe("with a setting the Worker refuses", () => {
    let broken: WranglerDev;
    const setting = "POLL_INTERVAL_SECONDS";

    beforeAll(async () => {
      broken = await startWranglerDev({ vars: { API_TOKENS: READ_TOKEN, [setting]: "four hours" } });
    });

    afterEach((context) => {
      if (context.task.result?.state === "fail" && broken !== undefined)
        console.error(`--- wrangler dev (broken) output ---\n${broken.output()}`);
    });

    afterAll(async () => {
      await broken?.stop();
    });

    it("still serves the page, which shows the API's bad_config error naming the setting", async () => {
      const health = await fetch(`${broken.url}/healthz`);
      expect(health.status).toBe(500);
      expect(await health.json()).toMatchObject({ error: { code: "bad_config", setting } });
      // The page is a static file: the Worker does not run for it, so it cannot refuse it.
      const res = await fetch(`${broken.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(CSP);

      const { page, allow } = await rig.ui.open({ base: broken.url });
      allow.push(/\b500\b/); // Chromium logs the failed answer itself
      await waitMsg(page, pattern(zh.msgNoToken));
      await signIn(page);
      const msg = await waitMsg(page, pattern(zh.msgBadConfig));
      expect(msg).toContain(`Worker 的设置 ${setting} 无效`);
      expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBeNull();
      expect(await page.isVisible("#token")).toBe(true);
    });
  });
});
