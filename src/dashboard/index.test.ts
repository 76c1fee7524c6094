import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY, DASHBOARD_BYTES, IMMUTABLE_CACHE_CONTROL, dashboardRoutes } from "./index";
import { CLIENT_JS } from "./client";
import { escapeHtml, renderPage } from "./page";
import { STRINGS } from "./strings";

async function get(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(`http://worker${path}`, init);
}

/** The `?v=` URLs the page loads. */
async function assetUrls(): Promise<{ script: string; style: string }> {
  const html = await (await get("/")).text();
  const script = /<script src="([^"]+)"/.exec(html)?.[1];
  const style = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
  expect(script).toMatch(/^\/dashboard\.js\?v=[0-9a-f]{12}$/);
  expect(style).toMatch(/^\/dashboard\.css\?v=[0-9a-f]{12}$/);
  return { script: script as string, style: style as string };
}

describe("the dashboard routes", () => {
  it("Should serve the page at / with a strict CSP, HTML type and revalidation", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{12}"$/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    // The app-wide secure headers still apply.
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("Should keep every contract hook in the page", async () => {
    const html = await (await get("/")).text();
    for (const id of ["token", "signin", "signout", "q", "status", "msg"]) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('<div id="msg" role="alert">');
    expect(html).toMatch(/<input id="token"[^>]*type="password"/);
    expect(html).toMatch(/<button id="signin" type="submit"/);
    expect(html).toMatch(/<input id="q"[^>]*type="search"/);
    // The rows are made by the script, with data-complaint-id; the detail address is #/complaints/{mchid}/{id}.
    expect(CLIENT_JS).toContain('"data-complaint-id": c.id');
    expect(CLIENT_JS).toContain('"#/complaints/" + encodeURIComponent(c.mchid) + "/" + encodeURIComponent(c.id)');
  });

  it("Should have no inline script, no inline style and nothing from another origin", async () => {
    const html = await (await get("/")).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain(`<title>${STRINGS.zh.title}</title>`);
  });

  it("Should label every input and select", async () => {
    const html = await (await get("/")).text();
    for (const [, id] of html.matchAll(/<(?:input|select) id="([^"]+)"/g)) expect(html).toContain(`<label for="${id}"`);
  });

  it("Should serve the script and the style sheet, cached for a year under their current version only", async () => {
    const { script, style } = await assetUrls();
    for (const [url, type] of [
      [script, "text/javascript; charset=utf-8"],
      [style, "text/css; charset=utf-8"],
    ] as const) {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("cache-control")).toBe(IMMUTABLE_CACHE_CONTROL);
      expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
      const stale = await get(url.replace(/v=.*/, "v=000000000000"));
      expect(stale.headers.get("cache-control")).toBe("no-cache");
      expect(await stale.text()).toBe(await res.text());
    }
    expect(await (await get(script)).text()).toBe(CLIENT_JS);
  });

  it("Should answer If-None-Match with 304", async () => {
    const first = await get("/");
    const etag = first.headers.get("etag") as string;
    const again = await get("/", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(await again.text()).toBe("");
    const js = await get("/dashboard.js", { headers: { "If-None-Match": `W/${etag}, "nope"` } });
    expect(js.status).toBe(200);
  });

  it("Should answer HEAD, and 405 with Allow for other methods", async () => {
    const head = await get("/", { method: "HEAD" });
    expect(head.status).toBe(200);
    for (const path of ["/", "/dashboard.js", "/dashboard.css"]) {
      const res = await get(path, { method: "POST" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    }
  });

  it("Should not let the dashboard routes swallow the API's", async () => {
    const res = await get("/api/status");
    expect([401, 503]).toContain(res.status); // 503 not_configured: the test env sets no token
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String) } });
    const missing = await get("/dashboard.txt");
    expect(missing.status).toBe(404);
  });

  it("Should work as a sub-app on its own", async () => {
    const res = await dashboardRoutes.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  });

  it("Should stay small: page, script and style sheet under 40 KB together before compression", () => {
    expect(DASHBOARD_BYTES.page + DASHBOARD_BYTES.script + DASHBOARD_BYTES.style).toBeLessThan(40_000);
  });
});

describe("the page shell", () => {
  it("Should escape what it renders", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const html = renderPage({ script: '/x.js?"><script>', style: "/y.css" });
    expect(html).toContain('src="/x.js?&quot;&gt;&lt;script&gt;"');
  });

  it("Should have every string in both languages, and every data-t key in the table", () => {
    expect(Object.keys(STRINGS.en).sort()).toEqual(Object.keys(STRINGS.zh).sort());
    for (const lang of ["zh", "en"] as const) for (const v of Object.values(STRINGS[lang])) expect(v.trim()).not.toBe("");
    const html = renderPage({ script: "/a.js", style: "/a.css" });
    for (const [, key] of html.matchAll(/data-t[pa]?="([^"]+)"/g)) expect(STRINGS.zh).toHaveProperty(key as string);
  });

  it("Should use only keys of the table in the script", () => {
    const keys = new Set(Object.keys(STRINGS.zh));
    // T("key"…), one("kind", "key"…), cell("key"…), table([...]) and [kind, "key"] message tuples.
    const used = [
      ...CLIENT_JS.matchAll(/\bT\("([A-Za-z]+)"/g),
      ...CLIENT_JS.matchAll(/\bone\("\w+", "([A-Za-z]+)"/g),
      ...CLIENT_JS.matchAll(/\bcell\("([A-Za-z]+)"/g),
      ...CLIENT_JS.matchAll(/\["(?:err|warn|info)", "([A-Za-z]+)"/g),
    ].map((m) => m[1] as string);
    for (const [, list] of CLIENT_JS.matchAll(/table\(\[([^\]]+)\]/g)) {
      for (const [, k] of (list as string).matchAll(/"([A-Za-z]+)"/g)) used.push(k as string);
    }
    expect(used.length).toBeGreaterThan(30);
    for (const k of used) expect(keys, k).toContain(k);
  });

  it("Should never write HTML from data", () => {
    expect(CLIENT_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(CLIENT_JS).not.toContain("__STRINGS__");
  });
});
