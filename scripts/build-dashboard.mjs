/**
 * Builds the dashboard (source in dashboard/) into dist/dashboard/, which Workers Static Assets serves
 * (wrangler.toml `[assets]`) without invoking the Worker:
 *
 *   index.html                     the page shell, rendered from dashboard/page.ts (Chinese; the script switches)
 *   assets/dashboard.<hash>.js     dashboard/main.ts and all it imports (src/domain's helpers included), one script
 *   assets/dashboard.<hash>.css    dashboard/style.css
 *   _headers                       dashboard/_headers: the CSP and other headers, and caching of assets/
 *
 * Run by wrangler before `wrangler dev` / `wrangler deploy` (`[build] command`, and again when dashboard/ or
 * src/domain/ change under `wrangler dev`) and as the vitest global setup (`npm test`); `node
 * scripts/build-dashboard.mjs` by hand. dist/ is never committed.
 *
 * A file is written only when its content changed (to a temp file beside the directory, then renamed into it)
 * and files of an older build are removed after, so builds running at once (several `wrangler dev` in the tests)
 * agree, a server reading the directory never sees half a file, and nothing but the build is ever uploaded.
 * @module
 */
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SOURCE = join(ROOT, "dashboard");
export const OUT_DIR = join(ROOT, "dist", "dashboard");

/**
 * The browsers the page is built for, named so esbuild lowers any newer syntax for them. A merchant opens it from an
 * alert in WeChat or WeCom: on Android their XWeb engine (Chromium, 134 and later in current releases), on an iPhone
 * the system's WKWebView (Safari's engine). iOS 15.4 is the floor the page's own code sets: `<dialog>` and
 * `Object.hasOwn`, which esbuild does not polyfill, came with it. Desktop browsers in use are newer than both.
 */
const TARGET = ["chrome134", "ios15.4"];

/** The page shell's renderer, bundled from TypeScript and loaded in this process. */
async function loadRenderPage() {
  const { outputFiles } = await esbuild.build({
    entryPoints: [join(SOURCE, "page.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const code = outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  return mod.renderPage;
}

/** Every file of the build: path relative to the output directory → content. */
async function render() {
  const result = await esbuild.build({
    entryPoints: [
      { in: join(SOURCE, "main.ts"), out: "dashboard" },
      { in: join(SOURCE, "style.css"), out: "dashboard" },
    ],
    entryNames: "assets/[name].[hash]",
    outdir: OUT_DIR,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: TARGET,
    minify: true,
    charset: "utf8",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const files = new Map();
  const urls = {};
  for (const file of result.outputFiles) {
    const path = relative(OUT_DIR, file.path).split(sep).join("/");
    files.set(path, file.contents);
    urls[path.endsWith(".js") ? "script" : "style"] = `/${path}`;
  }
  if (urls.script === undefined || urls.style === undefined) throw new Error(`esbuild made ${[...files.keys()].join(", ")}`);
  const renderPage = await loadRenderPage();
  files.set("index.html", new TextEncoder().encode(renderPage(urls)));
  files.set("_headers", await readFile(join(SOURCE, "_headers")));
  return files;
}

async function readOrNull(path) {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

/**
 * Builds into `outDir`; answers each file's path (relative to `outDir`) and size in bytes, and how many files
 * it wrote or removed.
 */
export async function buildDashboard(outDir = OUT_DIR) {
  const files = await render();
  // Same file system as outDir, so a rename is atomic; outside it, so wrangler never serves or uploads a temp file.
  const tempDir = `${outDir}.tmp`;
  let changed = 0;
  for (const [path, content] of files) {
    const target = join(outDir, path);
    const old = await readOrNull(target);
    if (old !== null && Buffer.compare(old, content) === 0) continue;
    await mkdir(dirname(target), { recursive: true });
    await mkdir(tempDir, { recursive: true });
    const temp = join(tempDir, `${process.pid}-${path.replaceAll("/", "_")}`);
    await writeFile(temp, content);
    await rename(temp, target);
    changed++;
  }
  await rmdir(tempDir).catch(() => {}); // only when no other build is writing
  const keep = new Set([...files.keys()].map((p) => join(outDir, p)));
  for (const file of await listFiles(outDir)) {
    if (keep.has(file)) continue;
    await rm(file, { force: true });
    await rmdir(dirname(file)).catch(() => {}); // only when empty
    changed++;
  }
  return { outDir, files: [...files].map(([path, content]) => ({ path, bytes: content.byteLength })), changed };
}

/** A file's size as the build reports it: `27.9 KB`. */
export function formatSize(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Vitest global setup (vitest.config.ts): every test run starts from a build of the current source. */
export default async function setup() {
  await buildDashboard();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  buildDashboard().then(
    ({ outDir, files, changed }) => {
      const list = files.map((f) => `${f.path} ${formatSize(f.bytes)}`).join(", ");
      const ms = Math.round(performance.now() - started);
      console.log(`dashboard → ${relative(process.cwd(), outDir) || "."}: ${list} (${changed} changed, ${ms} ms)`);
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
