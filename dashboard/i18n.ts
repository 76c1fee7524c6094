/**
 * The page's language: the stored choice, else Chinese when the browser prefers it, else English; and
 * {@link T}, the text of a string key in it with `{0}`, `{1}`, … filled in.
 * @module
 */

import { LANG_KEY, load, store } from "./storage";
import { STRINGS, type StringKey } from "./strings";

export type Lang = keyof typeof STRINGS;
export type Arg = string | number;

function initialLang(): Lang {
  const stored = load(LANG_KEY);
  if (stored === "zh" || stored === "en") return stored;
  const preferred = String(navigator.languages?.[0] ?? navigator.language ?? "zh").toLowerCase();
  return preferred.startsWith("zh") ? "zh" : "en";
}

let lang: Lang = initialLang();

export function currentLang(): Lang {
  return lang;
}

/** Switches to the other language and remembers the choice. */
export function toggleLang(): void {
  lang = lang === "zh" ? "en" : "zh";
  store(LANG_KEY, lang);
}

export function isStringKey(key: string | undefined): key is StringKey {
  return key !== undefined && Object.hasOwn(STRINGS.zh, key);
}

export function T(key: StringKey, args?: readonly Arg[]): string {
  return STRINGS[lang][key].replace(/\{(\d)\}/g, (_, i: string) => String(args?.[Number(i)] ?? ""));
}
