/**
 * The check that Chinese output holds no English sentence: what may stay as it is — codes, commands, setting
 * names, URLs, paths, `--flags`, text in backticks, text quoted in 「」 (PAYJS's or a platform's own words) and
 * wrangler's own lines — is taken out first; then no run of three or more English words may be left.
 */

/** Lines the stand-in wrangler prints (as wrangler 4 does), passed through by setup as wrangler wrote them. */
const WRANGLER_LINES = [
  /^ ⛅️ wrangler/,
  /^─+$/,
  /^Total Upload:/,
  /^Your Worker has access/,
  /^Binding\s+Resource$/,
  /^env\.\w+ /,
  /^Uploaded \S+ \(/,
  /^Deployed \S+ triggers/,
  /^ {2}(https:\/\/\S+|\S+ \(custom domain\)|schedule: .*)$/,
  /^Current Version ID:/,
  /^🌀 Creating the secret/,
  /^✨ Success! Uploaded secret/,
  /^✘ \[ERROR\]/,
  /^ {2}(Not logged in|Authentication error)/,
];

const REMOVED: RegExp[] = [
  /「[^」]*」/g, // someone else's words
  /`[^`\n]*`/g, // code and commands
  /https?:\/\/\S+/g, // URLs
  /(?:npx wrangler|npm run|node \S+)(?: (?:--?[\w-]+|[\w./:-]+|<[^>\n]*>))*/g, // commands, with their arguments
  /--[a-z][\w-]*(?:=\S+)?/g, // flags
  /\b[A-Z][A-Z0-9_]{2,}\b(?:=\S*)?/g, // setting names and codes (PAYJS_KEY=…, HTTP, ECONNREFUSED)
  /[\w*#:@-]*(?:[_./\\][\w*#:@-]+)+/g, // identifiers, paths, file names: return_code, .dev.vars, *.workers.dev, y/N
];

/** The output with everything that may stay as it is taken out. */
export function withoutCodes(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => !WRANGLER_LINES.some((pattern) => pattern.test(line)));
  return REMOVED.reduce((rest, pattern) => rest.replace(pattern, " "), lines.join("\n"));
}

/** Each run of three or more English words left once codes and commands are taken out. */
export function englishSentences(text: string): string[] {
  return withoutCodes(text).match(/[A-Za-z]+(?:[ \t]+[A-Za-z]+){2,}/g) ?? [];
}
