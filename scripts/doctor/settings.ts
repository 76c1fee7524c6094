/**
 * The settings `npm run doctor` reads: each from the environment first, then from `.dev.vars` in the current
 * directory (the environment wins per name; an empty value counts as absent, as it does for the Worker), then
 * validated by the Worker's own {@link parseConfig}. Nothing here ever puts a value in a message.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Config, ConfigError, parseConfig } from "../../src/config";
import { parseDevVars } from "../dev-vars";
import type { Messages } from "../i18n";

/** Every setting the doctor reads; the others (tokens, channels, …) play no part in a call to PAYJS. */
export const DOCTOR_SETTINGS = [
  "PAYJS_MCHID",
  "PAYJS_KEY",
  "PAYJS_MERCHANTS",
  "PAYJS_API_BASE",
  "RESPONSE_SIGNATURE",
  "ALLOW_UNSIGNED_RESPONSES",
  "UPSTREAM_TIMEOUT_MS",
] as const;

export type DoctorSetting = (typeof DOCTOR_SETTINGS)[number];

/** `typed`: asked for by `npm run setup`. */
export type Source = "environment" | ".dev.vars" | "typed";

export interface LoadedSettings<N extends string = DoctorSetting> {
  /** The values found, by name (absent names are missing). */
  values: Partial<Record<N, string>>;
  /** Where each value came from. */
  sources: Partial<Record<N, Source>>;
  /** The `.dev.vars` read, or null when there was none. */
  devVarsPath: string | null;
}

/**
 * Reads the settings (by default the doctor's; `npm run setup` also reads its tokens by the same rules); a
 * `.dev.vars` that exists but cannot be read is a {@link ConfigError}.
 */
export function loadSettings<N extends string = DoctorSetting>(
  env: NodeJS.ProcessEnv,
  cwd: string,
  names: readonly N[] = DOCTOR_SETTINGS as readonly string[] as readonly N[],
): LoadedSettings<N> {
  const path = join(cwd, ".dev.vars");
  let file: Record<string, string> = {};
  let devVarsPath: string | null = null;
  if (existsSync(path)) {
    try {
      file = parseDevVars(readFileSync(path, "utf8"));
      devVarsPath = path;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      throw new ConfigError(".dev.vars", `cannot be read (${code}): ${path}`);
    }
  }
  const values: LoadedSettings<N>["values"] = {};
  const sources: LoadedSettings<N>["sources"] = {};
  for (const name of names) {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv.trim() !== "") {
      values[name] = fromEnv;
      sources[name] = "environment";
    } else if (Object.hasOwn(file, name) && (file[name] ?? "").trim() !== "") {
      values[name] = file[name] as string;
      sources[name] = ".dev.vars";
    }
  }
  return { values, sources, devVarsPath };
}

/**
 * The Worker's own validation of these settings, plus the doctor's one extra demand: at least one merchant.
 * @throws ConfigError naming the setting.
 */
export function checkSettings(settings: LoadedSettings, m: Messages): Config {
  const config = parseConfig(settings.values);
  if (config.merchants.length === 0) throw new ConfigError("PAYJS_MCHID", m.doctor.noMerchant);
  return config;
}

/** Which settings hold this merchant's id and key, for advice: the single pair, or its entry in PAYJS_MERCHANTS. */
export function merchantSettings(settings: LoadedSettings, mchid: string, m: Messages): { mchid: string; key: string } {
  const single = settings.values.PAYJS_MCHID?.trim() === mchid;
  return { mchid: m.doctor.mchidSetting(single, mchid), key: m.doctor.keySetting(single, mchid) };
}

/** The keys that must never be printed: every one found in the settings, even when they did not validate. */
export function keysIn(settings: LoadedSettings | null): string[] {
  if (settings === null) return [];
  const keys: string[] = [];
  const single = settings.values.PAYJS_KEY?.trim();
  if (single !== undefined) keys.push(single);
  const many = settings.values.PAYJS_MERCHANTS;
  if (many !== undefined) {
    try {
      const parsed: unknown = JSON.parse(many);
      if (Array.isArray(parsed)) {
        for (const item of parsed) {
          const key = (item as { key?: unknown } | null)?.key;
          if (typeof key === "string" && key.trim() !== "") keys.push(key.trim(), key);
        }
      }
    } catch {
      // Malformed: its content is never printed anyway.
    }
  }
  return keys;
}
