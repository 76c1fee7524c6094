/**
 * Which language `npm run setup` and `npm run doctor` speak: `--lang zh|en` when given, else the locale
 * (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, the first one set, as POSIX reads them; then the locale Node reports,
 * which is what a Chinese Windows gives): Chinese when it begins with `zh`, English otherwise.
 * @module
 */

export type Lang = "en" | "zh";

export const LANGS: readonly Lang[] = ["en", "zh"];

/** The locale's language: the first of the POSIX variables that is set and not empty, else Node's own. */
export function localeLang(env: NodeJS.ProcessEnv, nodeLocale: string = Intl.DateTimeFormat().resolvedOptions().locale): Lang {
  const posix = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value.trim() !== "");
  return /^zh/i.test((posix ?? nodeLocale).trim()) ? "zh" : "en";
}

/** `--lang V` or `--lang=V` among the arguments: the value as typed (maybe not a language), or null when absent. */
export function langArgument(argv: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--lang") found = argv[i + 1] ?? "";
    else if (arg.startsWith("--lang=")) found = arg.slice("--lang=".length);
  }
  return found;
}

/** `en`/`zh` (any case, `zh-CN` and `zh_TW` too) as a language; anything else null. */
export function parseLang(value: string): Lang | null {
  const lower = value.trim().toLowerCase();
  if (lower === "en" || lower.startsWith("en-") || lower.startsWith("en_")) return "en";
  if (lower === "zh" || lower.startsWith("zh-") || lower.startsWith("zh_")) return "zh";
  return null;
}

/** The language to speak: a valid `--lang`, else the locale's (an invalid `--lang` is reported in that one). */
export function chooseLang(argv: readonly string[], env: NodeJS.ProcessEnv, nodeLocale?: string): Lang {
  const given = langArgument(argv);
  return (given === null ? null : parseLang(given)) ?? localeLang(env, nodeLocale);
}
