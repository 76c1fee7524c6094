/**
 * The dashboard's build (scripts/build-dashboard.mjs): what it puts in the static assets directory, the headers
 * every page request gets from `_headers`, the page shell's hooks, and the size of it all. Its behaviour in a real
 * browser, served by `wrangler dev`, is tested by test/dashboard.node.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, type DashboardBuild } from "../scripts/build-dashboard.mjs";
import { escapeHtml, renderPage } from "./page";
import { STRINGS } from "./strings";

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

/** `_headers` as path rule → header name (lower case) → value, the way Workers Static Assets reads it. */
function parseHeaders(text: string): Map<string, Map<string, string>> {
  const rules = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("/")) {
      current = new Map();
      rules.set(line, current);
    } else if (current !== undefined) {
      const i = line.indexOf(":");
      current.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    } else throw new Error(`a header before any path: ${line}`);
  }
  return rules;
}

describe("the dashboard build", () => {
  let dir: string;
  let build: DashboardBuild;
  const read = (path: string): string => readFileSync(join(dir, path), "utf8");
  const find = (ext: string): string => build.files.find((f) => f.path.endsWith(ext))?.path ?? "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dashboard-build-"));
    build = await buildDashboard(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("Should make the page, one script and one style sheet named by content hash, and _headers", () => {
    const paths = build.files.map((f) => f.path);
    expect(paths).toHaveLength(4);
    expect(paths).toEqual(
      expect.arrayContaining([
        "index.html",
        "_headers",
        expect.stringMatching(/^assets\/dashboard\.[A-Z0-9]{8}\.js$/),
        expect.stringMatching(/^assets\/dashboard\.[A-Z0-9]{8}\.css$/),
      ]),
    );
    expect(readdirSync(join(dir, "assets")).sort()).toEqual([find(".css"), find(".js")].map((p) => p.slice("assets/".length)).sort());
    const html = read("index.html");
    expect(html).toContain(`<script src="/${find(".js")}" defer></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/${find(".css")}">`);
  });

  it("Should write nothing when the directory already holds this build, and remove an older build's files", async () => {
    expect(build.changed).toBe(4);
    expect((await buildDashboard(dir)).changed).toBe(0);
    writeFileSync(join(dir, "assets", "dashboard.OLD00000.js"), "old");
    writeFileSync(join(dir, "index.html"), "old");
    const again = await buildDashboard(dir);
    expect(again.changed).toBe(2);
    expect(again.files).toEqual(build.files);
    expect(readdirSync(join(dir, "assets"))).not.toContain("dashboard.OLD00000.js");
    expect(read("index.html")).toContain("<!doctype html>");
  });

  it("Should give every path the strict Content-Security-Policy and security headers, and cache the hashed files for a year", () => {
    const rules = parseHeaders(read("_headers"));
    expect([...rules.keys()]).toEqual(["/*", "/assets/*"]);
    const all = rules.get("/*") as Map<string, string>;
    expect(all.get("content-security-policy")).toBe(CSP);
    expect(all.get("content-security-policy")).not.toMatch(/unsafe|\*/);
    expect(all.get("x-content-type-options")).toBe("nosniff");
    expect(all.get("x-frame-options")).toBe("DENY");
    expect(all.get("referrer-policy")).toBe("no-referrer");
    expect(all.get("allow")).toBe("GET, HEAD");
    expect(all.has("cache-control")).toBe(false); // the page keeps the platform's revalidation
    expect(rules.get("/assets/*")).toEqual(new Map([["cache-control", "public, max-age=31536000, immutable"]]));
  });

  it("Should make one strict script that parses and writes no HTML from data", () => {
    const js = read(find(".js"));
    expect(() => new Script(js, { filename: "dashboard.js" })).not.toThrow();
    expect(js.startsWith('"use strict";(()=>{')).toBe(true);
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|import\(/);
    expect(js).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // nothing from another origin
    // Of uqr only encode() is bundled: its SVG, ANSI and Unicode renderers are left out.
    expect(js).not.toMatch(/<svg|\\x1B\[|[\u2580\u2584\u2588\u2591]|\\u25(80|84|88|91)/);
    expect(js).not.toContain(`${String.fromCharCode(27)}[`);
    // Both languages are in it.
    expect(js).toContain(STRINGS.zh.msgBadConfig);
    expect(js).toContain(STRINGS.en.msgBadConfig);
  });

  // 40 KB / 15 KB until the deadlines, their countdowns, the replied mark and its help line came, in both languages;
  // 42 KB / 16 KB until a complaint's order check and the refund dialog (its texts, badges and the amount typed back)
  // came, in both languages. The page now leaves out the Chinese text of what stays hidden until the script fills it
  // (page.ts), which paid for about a third of them. 46 KB / 17 KB until devices came: the QR encoder (uqr's encode,
  // 10.2 KB / 3.9 KB compressed on its own: a sign-in link a phone scans instead of typing a token), the devices panel
  // and its dialog, sign-in links, view links and a complaint's history, their texts in both languages (then 68 KB raw
  // until a signed-in page explained why it left a sign-in link's code for the phone).
  it("Should stay small: page, script and style sheet under 69 KB together, under 25 KB gzip-compressed", () => {
    const bytes = ["index.html", find(".js"), find(".css")].map((p) => readFileSync(join(dir, p)));
    expect(bytes.reduce((n, b) => n + b.length, 0)).toBeLessThan(69_000);
    expect(bytes.reduce((n, b) => n + gzipSync(b).length, 0)).toBeLessThan(25_000);
  });
});

describe("the page shell", () => {
  const html = renderPage({ script: "/assets/dashboard.TEST.js", style: "/assets/dashboard.TEST.css" });

  it("Should keep every contract hook", () => {
    for (const id of [
      "token",
      "signin",
      "signout",
      "q",
      "status",
      "msg",
      "sort",
      "replied",
      "handle",
      "check-order",
      "refund",
      "add-device",
      "devices",
      "device-name",
      "device-role",
      "device-create",
      "device-link",
      "device-copy",
      "timeline",
    ])
      expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/<select id="sort"[^>]*><option value="due"[^>]*>[^<]+<\/option><option value="newest"/);
    // The complaints come before the status panel and the chart (on a phone, what shows first).
    expect(html.indexOf('id="list"')).toBeLessThan(html.indexOf('id="status"'));
    expect(html.indexOf('id="list"')).toBeLessThan(html.indexOf('id="chart"'));
    expect(html).toContain('<div id="msg" role="alert">');
    expect(html).toMatch(/<input id="token"[^>]*type="password"/);
    expect(html).toMatch(/<button id="signin" type="submit"/);
    expect(html).toMatch(/<input id="q"[^>]*type="search"/);
  });

  it("Should have no inline script, no inline style and nothing from another origin", () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain(`<title>${STRINGS.zh.title}</title>`);
  });

  it("Should label every input and select", () => {
    for (const [, id] of html.matchAll(/<(?:input|select) id="([^"]+)"/g)) expect(html).toContain(`<label for="${id}"`);
  });

  it("Should escape what it renders", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(renderPage({ script: '/x.js?"><script>', style: "/y.css" })).toContain('src="/x.js?&quot;&gt;&lt;script&gt;"');
  });

  it("Should have every string in both languages, and every data-t key in the table", () => {
    expect(Object.keys(STRINGS.en).sort()).toEqual(Object.keys(STRINGS.zh).sort());
    for (const lang of ["zh", "en"] as const) for (const v of Object.values(STRINGS[lang])) expect(v.trim()).not.toBe("");
    const keys = [...html.matchAll(/data-t[pa]?="([^"]+)"/g)].map((m) => m[1] as string);
    expect(keys.length).toBeGreaterThan(30);
    for (const key of keys) expect(STRINGS.zh).toHaveProperty(key);
  });
});

describe("the dashboard's source", () => {
  const dir = new URL(".", import.meta.url);
  const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

  const all = sources.map((f) => readFileSync(new URL(f, dir), "utf8")).join("\n");

  it("Should import from the Worker's source only its domain layer", () => {
    const imports = [...all.matchAll(/\sfrom\s+"(\.[^"]+)"/g)].map((m) => m[1] as string);
    expect(imports.filter((i) => i.startsWith("../")).length).toBeGreaterThan(0);
    for (const i of imports) expect(i).toMatch(/^\.\/[\w-]+$|^\.\.\/src\/domain\/[\w-]+$/);
  });

  it("Should take Beijing time and yuan from src/domain instead of its own copies", () => {
    expect(all).toContain('from "../src/domain/time"');
    expect(all).toContain('from "../src/domain/money"');
    expect(all).not.toMatch(/toFixed\(2\)|288e5|28_?800_?000|toISOString|8 \* 3_?600_?000/);
  });
});
