/**
 * The `wrangler deploy` that setup runs, worked out purely: the secrets file's object, the `--var`s, the command
 * line and the child's environment. The secrets travel only in the file (mode 0600, removed afterwards), never
 * on the command line, where any local user can read them, nor in wrangler's environment.
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
 * The settings the doctor's verdict depended on that are not secrets: deployed as `--var`, so the Worker
 * accepts exactly what the doctor accepted (wrangler.toml's `[vars]` may say otherwise).
 */
export const DEPLOY_VARS = ["PAYJS_API_BASE", "RESPONSE_SIGNATURE", "ALLOW_UNSIGNED_RESPONSES", "UPSTREAM_TIMEOUT_MS"] as const;

/** The secrets file's object: the merchant(s) as configured (the Worker may combine the pair and the list). */
export function deploySecrets(values: LoadedSettings["values"], tokens: Tokens, channels: string | null): Record<string, string> {
  const secrets: Record<string, string> = {};
  if (values.PAYJS_MCHID !== undefined && values.PAYJS_KEY !== undefined) {
    secrets.PAYJS_MCHID = values.PAYJS_MCHID.trim();
    secrets.PAYJS_KEY = values.PAYJS_KEY.trim();
  }
  if (values.PAYJS_MERCHANTS !== undefined) secrets.PAYJS_MERCHANTS = values.PAYJS_MERCHANTS;
  secrets.API_TOKENS = tokens.read;
  secrets.ADMIN_TOKEN = tokens.admin;
  if (channels !== null) secrets.NOTIFY_CHANNELS = channels;
  return secrets;
}

/** `NAME:VALUE` for each of {@link DEPLOY_VARS} that is set (wrangler splits at the first colon). */
export function deployVars(values: LoadedSettings["values"]): string[] {
  return DEPLOY_VARS.flatMap((name) => (values[name] === undefined ? [] : [`${name}:${values[name]?.trim()}`]));
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

/** `deploy --secrets-file FILE --var NAME:VALUE …` (one `--var` each: wrangler's `--var` takes a list). */
export function deployArgs(secretsFile: string, vars: readonly string[]): string[] {
  return ["deploy", "--secrets-file", secretsFile, ...vars.flatMap((v) => ["--var", v])];
}

/** The parent's environment without any secret. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of SECRET_NAMES) delete copy[name];
  return copy;
}
