/**
 * Every setting, parsed and validated once into one typed value. A present but invalid setting is a
 * {@link ConfigError} naming it; no value of a secret ever appears in a message.
 * @module
 */
import { ConfigError } from "./config-error";
import type { DeadlineRules } from "./domain/deadlines";
import type { Merchant } from "./domain/merchant";
import type { WorkerEnv } from "./env";
import { type Channel, parseChannels } from "./notify/settings";
import type { ClientOptions, SignaturePolicy } from "./payjs/client";

export type { Merchant };
export { ConfigError };

export interface Config {
  merchants: Merchant[];
  /** How every call to PAYJS is made and its answer taken: `PAYJS_API_BASE`, `UPSTREAM_TIMEOUT_MS`, `RESPONSE_SIGNATURE`. */
  upstream: ClientOptions;
  pollIntervalSeconds: number;
  readTokens: string[];
  adminToken: string | null;
  /** `"*"` for any origin; an empty list for no CORS. */
  corsOrigins: "*" | string[];
  publicUrl: string | null;
  alertAfterFailures: number;
  /** The reply and resolve deadlines, and when the reminders go before them. */
  deadlines: DeadlineRules;
  channels: Channel[];
  /** `ALLOW_REFUNDS`: the admin token may refund a complaint's order through PAYJS. */
  allowRefunds: boolean;
}

type ConfigResult = { ok: true; config: Config } | { ok: false; error: ConfigError };

const MCHID = /^[A-Za-z0-9_-]{1,64}$/;

type Vars = Partial<Record<keyof WorkerEnv, unknown>>;

/** An empty setting counts as absent, like an empty query parameter. */
function present(env: Vars, name: keyof WorkerEnv): string | undefined {
  const value = env[name];
  if (value === undefined || value === null) return undefined;
  // wrangler.toml may hold an unquoted number or boolean; it reaches the Worker as such.
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw new ConfigError(name, "must be a string");
  }
  const trimmed = String(value).trim();
  return trimmed === "" ? undefined : trimmed;
}

function integer(env: Vars, name: keyof WorkerEnv, fallback: number, min: number, max: number): number {
  const value = present(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  return n;
}

function boolean(env: Vars, name: keyof WorkerEnv, fallback: boolean): boolean {
  const value = present(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ConfigError(name, "must be true or false");
}

/**
 * A whole number of hours, 1 to 720: `fallback` when unset, none (null) when set empty, since switching a deadline
 * off must be possible.
 */
function deadlineHours(env: Vars, name: "REPLY_WITHIN_HOURS" | "RESOLVE_WITHIN_HOURS", fallback: number): number | null {
  const value = env[name];
  if (value === undefined || value === null) return fallback;
  const text = String(value).trim();
  if (text === "") return null;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 720)
    throw new ConfigError(name, "must be whole hours from 1 to 720 (or empty: none)");
  return Number(text);
}

/** `REMIND_BEFORE_HOURS`: whole hours, 1 to 168, descending, each once; `12,2` when unset, none when set empty. */
function remindBeforeHours(env: Vars): number[] {
  const value = env.REMIND_BEFORE_HOURS;
  if (value === undefined || value === null) return [12, 2];
  const text = String(value).trim();
  if (text === "") return [];
  const hours = text.split(",").map((h) => h.trim());
  if (!hours.every((h) => /^\d+$/.test(h))) throw new ConfigError("REMIND_BEFORE_HOURS", "must be whole hours, comma-separated, e.g. 12,2");
  const n = hours.map(Number);
  if (n.some((h) => h < 1 || h > 168)) throw new ConfigError("REMIND_BEFORE_HOURS", "each must be from 1 to 168 hours");
  if (n.some((h, i) => i > 0 && h >= (n[i - 1] as number)))
    throw new ConfigError("REMIND_BEFORE_HOURS", "must be descending, each once, e.g. 12,2");
  return n;
}

function deadlineRules(env: Vars): DeadlineRules {
  if (env.REMIND_AFTER_HOURS !== undefined && env.REMIND_AFTER_HOURS !== null) {
    throw new ConfigError(
      "REMIND_AFTER_HOURS",
      "is retired: reminders now count toward WeChat Pay's deadlines (REPLY_WITHIN_HOURS, RESOLVE_WITHIN_HOURS); remove it and use REMIND_BEFORE_HOURS (default 12,2) instead",
    );
  }
  const replyWithinHours = deadlineHours(env, "REPLY_WITHIN_HOURS", 24);
  const resolveWithinHours = deadlineHours(env, "RESOLVE_WITHIN_HOURS", 72);
  if (replyWithinHours !== null && resolveWithinHours !== null && resolveWithinHours < replyWithinHours) {
    throw new ConfigError("RESOLVE_WITHIN_HOURS", `must not be below REPLY_WITHIN_HOURS (${replyWithinHours})`);
  }
  return { replyWithinHours, resolveWithinHours, remindBeforeHours: remindBeforeHours(env) };
}

const POLICIES: readonly SignaturePolicy[] = ["strict", "if_present", "report"];

/** `RESPONSE_SIGNATURE`, or its old alias `ALLOW_UNSIGNED_RESPONSES=true` (= `if_present`); the two must not disagree. */
function signaturePolicy(env: Vars): SignaturePolicy {
  const value = present(env, "RESPONSE_SIGNATURE");
  const allowUnsigned = boolean(env, "ALLOW_UNSIGNED_RESPONSES", false);
  if (value === undefined) return allowUnsigned ? "if_present" : "strict";
  const policy = POLICIES.find((p) => p === value);
  if (policy === undefined) throw new ConfigError("RESPONSE_SIGNATURE", "must be strict, if_present or report");
  if (policy === "strict" && allowUnsigned) {
    throw new ConfigError(
      "RESPONSE_SIGNATURE",
      "is strict while ALLOW_UNSIGNED_RESPONSES is true: remove ALLOW_UNSIGNED_RESPONSES, or set RESPONSE_SIGNATURE=if_present",
    );
  }
  return policy;
}

function httpUrl(env: Vars, name: keyof WorkerEnv): string | undefined {
  const value = present(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(name, "must be an absolute http(s) URL");
  }
  return value.replace(/\/+$/, "");
}

function mchid(value: unknown, setting: string, where: string): string {
  const id = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof id !== "string" || !MCHID.test(id)) {
    throw new ConfigError(setting, `${where}mchid must be 1-64 letters, digits, '-' or '_'`);
  }
  return id;
}

function merchantList(env: Vars): Merchant[] {
  const merchants: Merchant[] = [];
  const single = present(env, "PAYJS_MCHID");
  const singleKey = present(env, "PAYJS_KEY");
  if (single !== undefined && singleKey === undefined) throw new ConfigError("PAYJS_KEY", "is missing (PAYJS_MCHID is set)");
  if (single === undefined && singleKey !== undefined) throw new ConfigError("PAYJS_MCHID", "is missing (PAYJS_KEY is set)");
  if (single !== undefined && singleKey !== undefined) {
    merchants.push({ mchid: mchid(single, "PAYJS_MCHID", ""), key: singleKey, name: null });
  }

  const many = present(env, "PAYJS_MERCHANTS");
  if (many !== undefined) {
    const expected = 'must be a JSON array like [{"mchid":"…","key":"…","name":"…"}]';
    let parsed: unknown;
    try {
      parsed = JSON.parse(many);
    } catch {
      throw new ConfigError("PAYJS_MERCHANTS", `is not valid JSON; ${expected}`);
    }
    if (!Array.isArray(parsed)) throw new ConfigError("PAYJS_MERCHANTS", expected);
    parsed.forEach((item: unknown, i) => {
      const where = `item ${i}: `;
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        throw new ConfigError("PAYJS_MERCHANTS", `${where}must be an object with mchid and key`);
      }
      const entry = item as Record<string, unknown>;
      const unknown = Object.keys(entry).filter((k) => k !== "mchid" && k !== "key" && k !== "name");
      if (unknown.length > 0) throw new ConfigError("PAYJS_MERCHANTS", `${where}unknown field ${unknown[0]}`);
      if (typeof entry.key !== "string" || entry.key.trim() === "") {
        throw new ConfigError("PAYJS_MERCHANTS", `${where}key must be a non-empty string`);
      }
      if (entry.name !== undefined && entry.name !== null && typeof entry.name !== "string") {
        throw new ConfigError("PAYJS_MERCHANTS", `${where}name must be a string`);
      }
      const name = typeof entry.name === "string" && entry.name.trim() !== "" ? entry.name.trim() : null;
      merchants.push({ mchid: mchid(entry.mchid, "PAYJS_MERCHANTS", where), key: entry.key.trim(), name });
    });
  }

  const seen = new Set<string>();
  for (const m of merchants) {
    if (seen.has(m.mchid)) throw new ConfigError("PAYJS_MERCHANTS", `mchid ${m.mchid} is listed twice`);
    seen.add(m.mchid);
  }
  return merchants;
}

function tokens(env: Vars, name: keyof WorkerEnv): string[] {
  return (present(env, name) ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

function cors(env: Vars): Config["corsOrigins"] {
  const value = present(env, "CORS_ORIGINS");
  if (value === undefined) return [];
  if (value === "*") return "*";
  const origins = value
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "");
  return origins.map((o) => {
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.origin !== o) {
      throw new ConfigError("CORS_ORIGINS", "must be * or comma-separated origins like https://shop.example.com");
    }
    return o;
  });
}

export function parseConfig(env: Vars): Config {
  const admin = present(env, "ADMIN_TOKEN");
  const merchants = merchantList(env);
  return {
    merchants,
    upstream: {
      apiBase: httpUrl(env, "PAYJS_API_BASE") ?? "https://payjs.cn/api",
      timeoutMs: integer(env, "UPSTREAM_TIMEOUT_MS", 10_000, 100, 60_000),
      signaturePolicy: signaturePolicy(env),
    },
    // Below 5 minutes the minute of cron jitter the poller allows would make a merchant due right after a success.
    pollIntervalSeconds: integer(env, "POLL_INTERVAL_SECONDS", 14_400, 300, 7 * 86_400),
    readTokens: tokens(env, "API_TOKENS"),
    adminToken: admin ?? null,
    corsOrigins: cors(env),
    publicUrl: httpUrl(env, "PUBLIC_URL") ?? null,
    alertAfterFailures: integer(env, "ALERT_AFTER_FAILURES", 3, 1, 1000),
    deadlines: deadlineRules(env),
    channels: parseChannels(present(env, "NOTIFY_CHANNELS"), new Set(merchants.map((m) => m.mchid))),
    allowRefunds: boolean(env, "ALLOW_REFUNDS", false),
  };
}

const cache = new WeakMap<object, ConfigResult>();

function checkBinding(env: WorkerEnv): void {
  const kv = (env as Partial<WorkerEnv>).COMPLAINTS;
  if (typeof kv?.get !== "function" || typeof kv.put !== "function") {
    throw new ConfigError(
      "COMPLAINTS",
      'the KV namespace binding is missing: add [[kv_namespaces]] binding = "COMPLAINTS" to wrangler.toml',
    );
  }
}

/** Parses once per `env` object: workerd hands the same object to every invocation of an isolate. */
export function loadConfig(env: WorkerEnv): ConfigResult {
  let result = cache.get(env);
  if (result === undefined) {
    try {
      checkBinding(env);
      result = { ok: true, config: parseConfig(env) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      result = { ok: false, error };
    }
    cache.set(env, result);
  }
  return result;
}
