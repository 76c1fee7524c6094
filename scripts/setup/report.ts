/**
 * What setup says about the tokens before deploying, and the block it prints once the Worker runs: the
 * addresses, both tokens (the only time they are shown: setup keeps them nowhere) and what to do next.
 * @module
 */
import type { TokenSetting, Tokens } from "./inputs";
import type { SetupRecord } from "./record";
import type { WorkerAddress } from "./wrangler-output";

const TOKEN_NAMES: Record<TokenSetting, string> = { API_TOKENS: "read token", ADMIN_TOKEN: "admin token" };

/** `2026-05-01T08:30:12.345Z` as `2026-05-01 08:30 UTC`. */
function shownTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

/**
 * Step 2's words: which tokens are given, which are new, and that new ones end the old ones. Redeploying
 * replaces each secret it names, so an old token is gone the moment wrangler finishes.
 */
export function tokensNote(tokens: Tokens, previous: SetupRecord | null): string[] {
  const given = (["API_TOKENS", "ADMIN_TOKEN"] as const).filter((n) => !tokens.generated.includes(n));
  const lines: string[] = [];
  if (given.length > 0) lines.push(`Using ${given.map((n) => `${n} as given`).join(" and ")}.`);
  const valuesOf = (name: TokenSetting): string[] => (name === "API_TOKENS" ? tokens.read.split(",") : [tokens.admin]);
  const short = given.filter((name) => valuesOf(name).some((t) => t.trim().length < 32));
  for (const name of short) {
    lines.push(`Warning: ${name} holds a token shorter than 32 characters (an example's?); anyone who guesses it gets in.`);
  }
  if (tokens.generated.length === 0) return lines;
  const made = tokens.generated.map((n) => TOKEN_NAMES[n]);
  lines.push(`Made a new ${made.join(" and a new ")} (printed once, at the end).`);
  const old = tokens.generated.length === 2 ? "tokens" : made[0];
  const stop = tokens.generated.length === 2 ? "stop" : "stops";
  if (previous === null) lines.push(`If this Worker was deployed before, its old ${old} ${stop} working with this deploy.`);
  else {
    const where = previous.worker_url === null ? "" : ` (${previous.worker_url})`;
    lines.push(`The ${old} from the setup of ${shownTime(previous.deployed_at)}${where} ${stop} working with this deploy.`);
  }
  lines.push(`To keep old tokens instead, set ${tokens.generated.join(" and ")} (environment or .dev.vars) and run setup again.`);
  return lines;
}

export interface Done {
  address: WorkerAddress | null;
  tokens: Tokens;
  /** The `--var`s passed, `NAME:VALUE`. */
  vars: string[];
  /** The earlier setup whose tokens this one replaced, if any. */
  replaced: SetupRecord | null;
  workerName: string;
}

/** The block printed after a successful deploy; each token appears in it exactly once. */
export function doneReport(done: Done): string {
  const { address, tokens } = done;
  const readLabel = tokens.read.includes(",") ? "Read tokens:" : "Read token: ";
  const asGiven = (name: TokenSetting): string => (tokens.generated.includes(name) ? "" : "   (as given)");
  const out: string[] = ["", "Deployed. Keep these now: setup stores no token, and prints them only this once.", ""];
  if (address === null) {
    out.push(
      "  Worker:       wrangler printed no address: find it in the Cloudflare dashboard,",
      `                Workers & Pages → ${done.workerName} (the dashboard is that address + /).`,
    );
  } else {
    out.push(`  Worker:       ${address.url}`, `  Dashboard:    ${address.url}/`);
  }
  out.push(`  ${readLabel}  ${tokens.read}${asGiven("API_TOKENS")}`);
  out.push(`  Admin token:  ${tokens.admin}${asGiven("ADMIN_TOKEN")}`, "");
  const url = address?.url ?? "https://<the Worker's address>";
  out.push("Next:");
  out.push("  - Open the dashboard and sign in with the read token (the admin token also marks complaints handled).");
  // The command names the token by variable: printed twice, a token would be easier to leak from a scrollback.
  out.push(
    "  - Try the API (the read token in place of <read token>; in PowerShell, curl.exe):",
    `      curl -H "Authorization: Bearer <read token>" ${url}/api/complaints`,
  );
  out.push("  - Set PUBLIC_URL to this address (wrangler.toml [vars]) so alerts link to the dashboard.");
  if (address?.kind !== "custom_domain") {
    out.push(
      "  - *.workers.dev is often unreachable from mainland China: add a custom domain",
      '    (routes = [{ pattern = "watch.example.com", custom_domain = true }] in wrangler.toml, or in the Cloudflare dashboard)',
      "    and use it as PUBLIC_URL. See docs/deploy.md#custom-domain.",
    );
  }
  if (done.vars.length > 0) {
    const names = done.vars.map((v) => v.slice(0, v.indexOf(":")));
    out.push(
      `  - Deployed with ${names.join(", ")} as checked (--var); put the same under [vars] in wrangler.toml, or a later`,
      "    `npm run deploy` goes back to what wrangler.toml says.",
    );
  }
  if (done.replaced !== null && tokens.generated.length > 0) {
    out.push(`  - The tokens from the setup of ${shownTime(done.replaced.deployed_at)} no longer work: hand out the new ones.`);
  }
  return `${out.join("\n")}\n`;
}
