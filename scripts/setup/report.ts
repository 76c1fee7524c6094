/**
 * What setup says about the tokens before deploying, and the block it prints once the Worker runs: the
 * addresses, both tokens (the only time they are shown: setup keeps them nowhere), what to do next, a sign-in QR
 * code for a first admin device (or how to get one from the dashboard), and last, when the first alert comes and
 * what works from mainland China. The words are the run's language's.
 * @module
 */
import type { Messages } from "../i18n";
import type { TokenSetting, Tokens } from "./inputs";
import { qrLines } from "./qr-terminal";
import type { SetupRecord } from "./record";
import { type SignInLink, SignInLinkError } from "./sign-in-link";
import type { WorkerAddress } from "./wrangler-output";

function earlier(record: SetupRecord): { deployedAt: string; url: string | null } {
  return { deployedAt: record.deployed_at, url: record.worker_url };
}

/**
 * Step 2's words: which tokens are given, which are new, and that new ones end the old ones. Redeploying
 * replaces each secret it names, so an old token is gone the moment wrangler finishes.
 */
export function tokensNote(tokens: Tokens, previous: SetupRecord | null, m: Messages): string[] {
  const s = m.setup;
  const given = (["API_TOKENS", "ADMIN_TOKEN"] as const).filter((n) => !tokens.generated.includes(n));
  const lines: string[] = [];
  if (given.length > 0) lines.push(s.usingGiven(given));
  const valuesOf = (name: TokenSetting): string[] => (name === "API_TOKENS" ? tokens.read.split(",") : [tokens.admin]);
  for (const name of given.filter((n) => valuesOf(n).some((t) => t.trim().length < 32))) lines.push(s.shortToken(name));
  if (tokens.generated.length === 0) return lines;
  lines.push(s.madeTokens(tokens.generated));
  lines.push(s.oldTokensStop(tokens.generated, previous === null ? null : earlier(previous)));
  lines.push(s.keepOldTokens(tokens.generated));
  return lines;
}

export interface Done {
  address: WorkerAddress | null;
  tokens: Tokens;
  /** The settings deployed as secrets beyond the credentials and tokens (`PAYJS_API_BASE`, `PUBLIC_URL`, …). */
  kept: string[];
  /** The earlier setup whose tokens this one replaced, if any. */
  replaced: SetupRecord | null;
  workerName: string;
  /** `PUBLIC_URL` as deployed, or null when it could not be set. */
  publicUrl: string | null;
  /** `https://NAME` of `--domain`, when PUBLIC_URL is not already kept in the environment or .dev.vars. */
  keepDomain: string | null;
  /** Whether this setup set alert channels. */
  channels: boolean;
  /** The first admin device's sign-in link, why the Worker gave none, or null when it was not asked (no address). */
  signIn: SignInLink | SignInLinkError | null;
  /** The terminal's width, when stdout is one. */
  columns: number | null;
}

function addressLines(done: Done, m: Messages): string[] {
  const { address, tokens } = done;
  const r = m.report;
  const out = address === null ? r.noAddress(done.workerName) : [r.worker(address.url), r.dashboard(address.url)];
  out.push(r.read(tokens.read.includes(","), tokens.read, !tokens.generated.includes("API_TOKENS")));
  out.push(r.admin(tokens.admin, !tokens.generated.includes("ADMIN_TOKEN")));
  return out;
}

/** The address to open the dashboard at from mainland China: a custom domain's, never `*.workers.dev`. */
function customUrl(done: Done): string | null {
  const url = done.publicUrl ?? done.address?.url ?? null;
  if (url === null) return null;
  try {
    return new URL(url).hostname.endsWith(".workers.dev") ? null : url;
  } catch {
    return null;
  }
}

/** The sign-in QR code, the link and until when it works; or why there is none and the dashboard's way. */
function signInLines(done: Done, m: Messages): string[] {
  const s = m.signInLink;
  const link = done.signIn;
  if (link === null) return [s.fromDashboard];
  if (link instanceof SignInLinkError) return [s.unreachable(s.failure(link.code, link.detail)), s.fromDashboard];
  const qr = qrLines(link.url);
  const narrow = done.columns !== null && done.columns < qr.columns ? [s.narrow(qr.columns)] : [];
  return [s.title, "", ...qr.rows, "", s.link(link.url), s.expires(link.expiresAt), ...narrow];
}

/** The block printed after a successful deploy; each token appears in it exactly once. */
export function doneReport(done: Done, m: Messages): string {
  const r = m.report;
  const out: string[] = ["", r.title, "", ...addressLines(done, m), "", r.next, r.signIn];
  const url = done.address?.url ?? r.addressPlaceholder;
  // The command names the token by a placeholder: printed twice, a token would be easier to leak from a scrollback.
  out.push(r.tryApi, `      curl -H "Authorization: Bearer ${r.readPlaceholder}" ${url}/api/complaints`);
  if (done.kept.length > 0) out.push(r.kept(done.kept));
  if (done.keepDomain !== null) out.push(r.keepDomain(done.keepDomain));
  if (done.replaced !== null && done.tokens.generated.length > 0) out.push(r.replaced(earlier(done.replaced)));
  out.push("", ...signInLines(done, m));
  out.push("", done.channels ? r.firstAlert : r.noChannels, r.mainland(customUrl(done)));
  return `${out.join("\n")}\n`;
}
