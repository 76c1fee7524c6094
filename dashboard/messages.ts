/**
 * The message bar `#msg` (role="alert"): errors, warnings and empty states, kept per slot (sign-in, status,
 * list, detail) so each part of the page replaces only its own, shown in that order and re-rendered in the
 * current language.
 * @module
 */
import { $, el } from "./dom";
import { type Arg, T } from "./i18n";
import type { StringKey } from "./strings";

export type Kind = "err" | "warn" | "info";
export type Msg = readonly [kind: Kind, key: StringKey, args?: readonly Arg[]];
export type Slot = "auth" | "status" | "list" | "detail";

const SLOTS: readonly Slot[] = ["auth", "status", "list", "detail"];
const msgs: Partial<Record<Slot, readonly Msg[]>> = {};

/** One message, as a list for {@link say}. */
export const one = (kind: Kind, key: StringKey, args?: readonly Arg[]): Msg[] => [[kind, key, args]];

/** Replaces the messages of `slot` (none with null). */
export function say(slot: Slot, list: readonly Msg[] | null): void {
  if (list) msgs[slot] = list;
  else delete msgs[slot];
  renderMsg();
}

export function clearMessages(): void {
  for (const s of SLOTS) delete msgs[s];
  renderMsg();
}

export function renderMsg(): void {
  const out: HTMLElement[] = [];
  for (const s of SLOTS) for (const [kind, key, args] of msgs[s] ?? []) out.push(el("p", { class: kind }, T(key, args)));
  $("msg").replaceChildren(...out);
}
