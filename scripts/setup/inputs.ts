/**
 * What `npm run setup` deploys, worked out before anything is called: which PAYJS credentials are missing (to
 * ask for, or to name), the read and admin tokens, the alert channels. Pure but for {@link newToken}'s randomness.
 * @module
 */
import { randomBytes } from "node:crypto";
import { ConfigError } from "../../src/config";
import { parseChannels } from "../../src/notify/settings";
import { DEV_ADMIN_TOKEN, DEV_READ_TOKEN } from "../dev-vars";
import type { LoadedSettings } from "../doctor/settings";
import { configProblem, type Messages } from "../i18n";
import { SetupError } from "./errors";

/** The tokens setup reads by the doctor's rules (environment, then `.dev.vars`), besides the doctor's settings. */
export const TOKEN_SETTINGS = ["API_TOKENS", "ADMIN_TOKEN"] as const;
export type TokenSetting = (typeof TOKEN_SETTINGS)[number];

/** The credentials setup can ask for; several merchants (PAYJS_MERCHANTS) are a JSON list, not something to type. */
export type Credential = "PAYJS_MCHID" | "PAYJS_KEY";

/** The credentials still missing, in the order to ask for them; none when a merchant is configured. */
export function missingCredentials(values: LoadedSettings["values"]): Credential[] {
  const mchid = values.PAYJS_MCHID !== undefined;
  const key = values.PAYJS_KEY !== undefined;
  if (mchid && !key) return ["PAYJS_KEY"];
  if (key && !mchid) return ["PAYJS_MCHID"];
  if (!mchid && !key && values.PAYJS_MERCHANTS === undefined) return ["PAYJS_MCHID", "PAYJS_KEY"];
  return [];
}

/**
 * Why setup cannot go on without asking. `why`: `--yes` was given, or stdin is no terminal to ask on.
 */
export function missingError(missing: readonly Credential[], why: "yes" | "no_terminal", m: Messages): SetupError {
  return new SetupError("missing", m.setup.missing(missing, why === "yes"), { setting: missing[0] as string });
}

/** The settings with the typed values added (marked as typed, so the doctor's header says where they came from). */
export function withTyped(settings: LoadedSettings, typed: Partial<Record<Credential, string>>): LoadedSettings {
  const values = { ...settings.values };
  const sources = { ...settings.sources };
  for (const [name, value] of Object.entries(typed) as [Credential, string][]) {
    if (value.trim() === "") continue;
    values[name] = value.trim();
    sources[name] = "typed";
  }
  return { ...settings, values, sources };
}

export interface Tokens {
  /** `API_TOKENS` as deployed: one token, or the comma-separated list given. */
  read: string;
  /** `ADMIN_TOKEN` as deployed. */
  admin: string;
  /** The tokens made now: their old values, if this Worker had any, stop working with this deploy. */
  generated: TokenSetting[];
}

/** 32 random bytes, URL-safe: 43 characters a person can paste anywhere (header, URL, shell) unquoted. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

function tokenList(value: string): string[] {
  return value
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** The given read tokens, checked. @throws SetupError `bad_tokens`. */
function checkReadTokens(read: string, m: Messages): void {
  if (tokenList(read).length === 0) throw new SetupError("bad_tokens", m.setup.readTokensEmpty, { setting: "API_TOKENS" });
  // The Worker matches a whole Authorization header value, which never holds a space.
  if (tokenList(read).some((t) => /\s/.test(t))) throw new SetupError("bad_tokens", m.setup.readTokenSpace, { setting: "API_TOKENS" });
}

/**
 * The tokens given (used as they are), the others made new. The admin token must differ from every read token:
 * the Worker takes a token that is both as the admin's, so a "read" token handed out would mark and refund.
 * @throws SetupError `bad_tokens` naming the setting.
 */
export function chooseTokens(given: Partial<Record<TokenSetting, string>>, m: Messages, make: () => string = newToken): Tokens {
  const generated: TokenSetting[] = [];
  let read = given.API_TOKENS?.trim();
  let admin = given.ADMIN_TOKEN?.trim();
  if (read !== undefined) checkReadTokens(read, m);
  // `npm run dev`'s tokens are printed in the README: deployed, they would let anyone read the complaints.
  const published = [...(read === undefined ? [] : tokenList(read)), admin].find((t) => t === DEV_READ_TOKEN || t === DEV_ADMIN_TOKEN);
  if (published !== undefined) {
    const setting = published === admin ? "ADMIN_TOKEN" : "API_TOKENS";
    throw new SetupError("bad_tokens", m.setup.publishedToken(setting, published), { setting });
  }
  if (admin !== undefined && /[\s,]/.test(admin)) throw new SetupError("bad_tokens", m.setup.adminTokenSpace, { setting: "ADMIN_TOKEN" });
  if (read === undefined) {
    do read = make();
    while (read === admin);
    generated.push("API_TOKENS");
  }
  const reads = tokenList(read);
  if (admin === undefined) {
    do admin = make();
    while (reads.includes(admin));
    generated.push("ADMIN_TOKEN");
  } else if (reads.includes(admin)) {
    throw new SetupError("bad_tokens", m.setup.adminTokenClash, { setting: "ADMIN_TOKEN" });
  }
  return { read, admin, generated };
}

/**
 * The `--channels` file's text, checked by the Worker's own parser against the configured merchants.
 * @throws SetupError `bad_channels` naming the problem (never a value: URLs and secrets stay out of messages).
 */
export function checkChannels(text: string, file: string, mchids: ReadonlySet<string>, m: Messages): void {
  if (text.trim() === "") throw new SetupError("bad_channels", m.setup.channelsEmpty(file), { setting: "NOTIFY_CHANNELS" });
  try {
    parseChannels(text, mchids);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new SetupError("bad_channels", m.setup.channelsBad(file, configProblem(m, error)), { setting: "NOTIFY_CHANNELS" });
    }
    throw error;
  }
}
