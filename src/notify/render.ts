/**
 * An alert as blocks (fields, quotes, lists, notes, links), rendered as a title line, a plain-text body and a
 * markdown body; each channel picks the variant its platform renders.
 *
 * Markdown goes to WeCom, DingTalk, Server酱, PushPlus and WxPusher, which render a loose subset (links, headings,
 * quotes, and in DingTalk's case `<font>` HTML). Text that comes from outside (complaint body, order numbers, merchant
 * names, upstream error messages) must not turn into markup there, so it passes {@link mdEscape}: `[ ] ( ) < >` become
 * their full-width forms (a reader sees the same text; no link, image, tag or quote can form) and a `#` that starts a
 * line becomes `＃`. The complaint body also sits in a quote block of its own. Pure.
 * @module
 */

export interface Message {
  /** One line: the push title (Bark, Server酱), DingTalk's preview title, the first line of the text variants. */
  title: string;
  /** Plain-text body, without the title. */
  text: string;
  /** Markdown body, without the title. */
  markdown: string;
  /** What tapping the message opens (WxPusher): the complaint it is about, else the dashboard; null without `PUBLIC_URL`. */
  link: string | null;
}

export type Block =
  | { kind: "field"; label: string; value: string }
  | { kind: "quote"; label: string; text: string }
  | { kind: "items"; items: string[] }
  | { kind: "note"; text: string }
  | { kind: "link"; label: string; url: string };

/** A message before it is rendered: its title, its blocks, and what tapping it opens. */
export interface Draft {
  title: string;
  blocks: Block[];
  link: string | null;
}

/** One line: every run of white space (newlines included) as one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const FULL_WIDTH: Record<string, string> = { "[": "［", "]": "］", "(": "（", ")": "）", "<": "＜", ">": "＞" };

/**
 * Outside text made inert for the chat platforms' markdown: no link, image, HTML tag (`<font>`, `<@user>`),
 * quote or heading can form. Full-width look-alikes rather than backslashes, which not every platform honours.
 */
export function mdEscape(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[[\]()<>]/g, (c) => FULL_WIDTH[c] ?? c)
    .replace(/^([ \t]*)#/gm, "$1＃");
}

/** A URL made safe inside `[label](url)`: nothing in it can close the parenthesis or the line. */
function mdUrl(url: string): string {
  return url.replace(/[()<>\s]/g, (c) => encodeURIComponent(c).replace("(", "%28").replace(")", "%29"));
}

function textLines(b: Block): string[] {
  switch (b.kind) {
    case "field":
      return [`${b.label}：${b.value}`];
    case "quote":
      return [`${b.label}：${b.text}`];
    case "items":
      return b.items.map((item) => `- ${item}`);
    case "note":
      return [b.text];
    case "link":
      return [`${b.label}：${b.url}`];
  }
}

/**
 * Paragraphs apart by a blank line (so a quote cannot swallow what follows it), lines inside one by a hard
 * break (two spaces + LF: DingTalk needs it, WeCom ignores it). Consecutive fields (and a quote's label) share one
 * paragraph; everything else stands alone.
 */
function renderMarkdown(blocks: readonly Block[]): string {
  const paragraphs: string[][] = [];
  let fields: string[] | null = null;
  for (const b of blocks) {
    if (b.kind === "field" || b.kind === "quote") {
      if (fields === null) {
        fields = [];
        paragraphs.push(fields);
      }
      fields.push(b.kind === "field" ? `**${b.label}**：${mdEscape(b.value)}` : `**${b.label}**：`);
      if (b.kind === "field") continue;
      paragraphs.push(
        mdEscape(b.text)
          .split("\n")
          .map((line) => `> ${line}`),
      );
    } else if (b.kind === "items") {
      paragraphs.push(b.items.map((item) => `- ${mdEscape(item)}`));
    } else {
      paragraphs.push([b.kind === "note" ? mdEscape(b.text) : `[${b.label}](${mdUrl(b.url)})`]);
    }
    fields = null;
  }
  return paragraphs.map((lines) => lines.join("  \n")).join("\n\n");
}

/** A draft as its title, plain-text body and markdown body. */
export function render({ title, blocks, link }: Draft): Message {
  return { title: oneLine(title), text: blocks.flatMap(textLines).join("\n"), markdown: renderMarkdown(blocks), link };
}

/** Title line, then the plain-text body (Telegram, Slack, Feishu). */
export function plainText(m: Message): string {
  return `${m.title}\n${m.text}`;
}

/** A `###` heading with the (escaped) title, then the markdown body (WeCom, DingTalk). */
export function markdownText(m: Message): string {
  return `### ${mdEscape(m.title)}\n\n${m.markdown}`;
}
