/**
 * Every relative link in the project's Markdown resolves: the file exists and, with a `#fragment`, the heading
 * exists there (GitHub's anchor rules). The README sends readers to docs/ pages, which link to each other; a page
 * moved or a heading renamed must not leave a dead link behind.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./support/wrangler-dev";

const SKIPPED_DIRS = new Set(["node_modules", "dist", ".wrangler", ".git", "test-results", "coverage"]);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : markdownFiles(path);
    return entry.name.endsWith(".md") ? [path] : [];
  });
}

/** The text outside fenced code blocks, where a `#` line is a heading. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** The text outside code blocks and inline code, where a `[x](y)` is a link. */
function prose(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, "");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (heading as string).replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(id as string);
  return anchors;
}

/** Link targets: `[text](target "title")`, `![alt](target)`, `[ref]: target`, `<img src="target">`. */
function targetsOf(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string);
  const references = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1] as string);
  const images = [...text.matchAll(/<img[^>]+src="([^"]+)"/g)].map((m) => m[1] as string);
  return [...inline, ...references, ...images];
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");

describe("Markdown links", () => {
  const files = markdownFiles(PROJECT_ROOT);

  it("finds the project's pages", () => {
    const names = files.map((f) => relative(PROJECT_ROOT, f));
    expect(names).toEqual(expect.arrayContaining(["README.md", "README.zh-CN.md", "CONTRIBUTING.md", "docs/deploy.md"]));
  });

  it("counts anchors as GitHub does", () => {
    const anchors = anchorsOf(
      "# The poll queue: one merchant per invocation\n## `npm run setup`\n## Setup\n## Setup\n## 自定义域名 (custom domain)\n",
    );
    expect([...anchors]).toEqual([
      "the-poll-queue-one-merchant-per-invocation",
      "npm-run-setup",
      "setup",
      "setup-1",
      "自定义域名-custom-domain",
    ]);
  });

  for (const file of files) {
    it(`resolves every relative link in ${relative(PROJECT_ROOT, file)}`, () => {
      const markdown = readFileSync(file, "utf8");
      const dead: string[] = [];
      for (const target of targetsOf(markdown)) {
        if (isExternal(target)) continue;
        const [pathPart = "", fragment] = target.split("#", 2);
        const path = pathPart === "" ? file : join(dirname(file), decodeURIComponent(pathPart));
        if (!existsSync(path)) {
          dead.push(`${target} (no such file)`);
          continue;
        }
        if (fragment === undefined || fragment === "" || statSync(path).isDirectory() || !path.endsWith(".md")) continue;
        if (!anchorsOf(readFileSync(path, "utf8")).has(decodeURIComponent(fragment).toLowerCase())) {
          dead.push(`${target} (no heading #${fragment} in ${relative(PROJECT_ROOT, path)})`);
        }
      }
      expect(dead).toEqual([]);
    });
  }
});
