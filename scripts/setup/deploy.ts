/**
 * The `wrangler deploy` that setup runs, worked out purely: the secrets file's object, the command line and the
 * child's environment. The secrets travel only in the file (mode 0600, removed afterwards), never on the command
 * line, where any local user can read them, nor in wrangler's environment. Everything setup deploys beyond
 * wrangler.toml goes in that file, as a secret: a later `npm run deploy` (plain `wrangler deploy`) keeps secrets,
 * while it would drop a `--var` (and a var and a secret may not share a name).
 * @module
 */
import type { LoadedSettings } from "../doctor/settings";
import type { Tokens } from "./inputs";

/** Every secret of the contract: none of them is left in wrangler's environment. */
export const SECRET_NAMES = [
  "PAYJS_MCHID",
  "PAYJS_KEY",
  "PAYJS_MERCHANTS",
  "API_TOKENS",
  "ADMIN_TOKEN",
  // It holds webhook URLs, bot tokens and signing keys.
  "NOTIFY_CHANNELS",
] as const;

/**
 * The settings the doctor's verdict depended on that are not in wrangler.toml: deployed as secrets when set, so
 * the Worker accepts exactly what the doctor accepted, this deploy and every later one.
 */
export const KEPT_SETTINGS = ["PAYJS_API_BASE", "RESPONSE_SIGNATURE", "ALLOW_UNSIGNED_RESPONSES", "UPSTREAM_TIMEOUT_MS"] as const;

/** What goes into the secrets file besides the settings read. */
export interface Extras {
  tokens: Tokens;
  /** The `NOTIFY_CHANNELS` text, or null. */
  channels: string | null;
  /** `PUBLIC_URL` when known before the deploy (else it is set after, with `secret put`). */
  publicUrl: string | null;
}

/** The secrets file's object: the merchant(s) as configured (the Worker may combine the pair and the list). */
export function deploySecrets(values: LoadedSettings["values"], extras: Extras): Record<string, string> {
  const secrets: Record<string, string> = {};
  if (values.PAYJS_MCHID !== undefined && values.PAYJS_KEY !== undefined) {
    secrets.PAYJS_MCHID = values.PAYJS_MCHID.trim();
    secrets.PAYJS_KEY = values.PAYJS_KEY.trim();
  }
  if (values.PAYJS_MERCHANTS !== undefined) secrets.PAYJS_MERCHANTS = values.PAYJS_MERCHANTS;
  secrets.API_TOKENS = extras.tokens.read;
  secrets.ADMIN_TOKEN = extras.tokens.admin;
  if (extras.channels !== null) secrets.NOTIFY_CHANNELS = extras.channels;
  for (const name of KEPT_SETTINGS) {
    const value = values[name]?.trim();
    if (value !== undefined && value !== "") secrets[name] = value;
  }
  if (extras.publicUrl !== null) secrets.PUBLIC_URL = extras.publicUrl;
  return secrets;
}

/** The names of {@link deploySecrets} that are settings kept beyond wrangler.toml (not credentials nor tokens). */
export function keptNames(secrets: Record<string, string>): string[] {
  const kept: readonly string[] = [...KEPT_SETTINGS, "PUBLIC_URL"];
  return Object.keys(secrets).filter((name) => kept.includes(name));
}

/**
 * Whether PAYJS_API_BASE names this machine (the bundled sandbox, say): the doctor reached it, the deployed
 * Worker on Cloudflare never will.
 */
export function isLocalApiBase(apiBase: string): boolean {
  try {
    const host = new URL(apiBase).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host) || host === "::1" || host === "0.0.0.0";
  } catch {
    return false;
  }
}

export interface WranglerCommand {
  file: string;
  /** The arguments before `deploy`: `["wrangler"]` for npx, or what $WRANGLER holds after its program. */
  args: string[];
  /** How to show it, e.g. `npx wrangler`. */
  shown: string;
}

/** `$WRANGLER` (a command line, split on whitespace, e.g. `node path/to/wrangler.js`) or `npx wrangler`. */
export function wranglerCommand(env: NodeJS.ProcessEnv): WranglerCommand {
  const parts = (env.WRANGLER ?? "")
    .trim()
    .split(/\s+/)
    .filter((p) => p !== "");
  const [file, ...args] = parts.length > 0 ? parts : ["npx", "wrangler"];
  return { file: file as string, args, shown: [file, ...args].join(" ") };
}

/**
 * `deploy --secrets-file FILE`, with `--config` (a copy of wrangler.toml: see scripts/wrangler-config.ts) and
 * `--domains NAME` for a custom domain.
 */
export function deployArgs(secretsFile: string, custom: { config: string; domain: string } | null = null): string[] {
  const args = ["deploy", "--secrets-file", secretsFile];
  return custom === null ? args : [...args, "--config", custom.config, "--domains", custom.domain];
}

/** The parent's environment without any secret. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of SECRET_NAMES) delete copy[name];
  return copy;
}
