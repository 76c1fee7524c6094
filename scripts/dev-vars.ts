/**
 * `.dev.vars`, the local secrets file `wrangler dev` reads: `npm run dev` and `npm run doctor` read it too.
 * @module
 */
/** A small `.dev.vars` parser: `KEY=VALUE`, `KEY="VALUE"`, `KEY='VALUE'`, `export KEY=…`, `#` comments. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [, key, rest] = match as unknown as [string, string, string];
    let value = rest;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
    }
    vars[key] = value;
  }
  return vars;
}

/** The tokens `npm run dev` uses when `.dev.vars` sets none. Published in the README, so never for a deployment. */
export const DEV_READ_TOKEN = "dev-read-token";
export const DEV_ADMIN_TOKEN = "dev-admin-token";
