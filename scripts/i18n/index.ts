/**
 * The words of `npm run setup` and `npm run doctor`: one table per language with the same keys (en.ts is the
 * shape, zh.ts must match it), chosen once per run by {@link chooseLang} and handed to whatever prints.
 * @module
 */
import { en, type Messages } from "./en";
import type { Lang } from "./lang";
import { zh } from "./zh";

export type { Earlier, Messages, Refusal } from "./en";
export { chooseLang, type Lang } from "./lang";

const TABLES: Record<Lang, Messages> = { en, zh };

export function messagesFor(lang: Lang): Messages {
  return TABLES[lang];
}

/** A settings error of the Worker's parser in the table's language (its message is `SETTING: detail`). */
export function configProblem(m: Messages, error: { setting: string; message: string }): string {
  const prefix = `${error.setting}: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return m.cli.configProblem(error.setting, detail);
}
