/**
 * The shapes shared by the alert formatter, the per-platform channel types and the delivery side.
 * @module
 */
import type { Notification } from "../domain/notification";

export type { EventName, MerchantStatusEntry, Notification } from "../domain/notification";

export interface SendContext {
  publicUrl: string | null;
  /** real clock, ms */
  now: number;
}

export type DeliveryCheck = { ok: true } | { ok: false; code: string; message: string };

export interface ChannelType<O> {
  type: string;
  /** Chat channels (all but webhook) get a summary instead of more than 5 separate messages. */
  chat: boolean;
  /** Option keys besides the common ones (type, name, events, merchants). */
  required: readonly string[];
  optional: readonly string[];
  /** Validates this type's options (already known to have only allowed keys); throws Error with a message naming the option (never echo a secret value). */
  parse(options: Record<string, unknown>): O;
  /** The HTTP request for one notification. */
  request(n: Notification, options: O, ctx: SendContext): Promise<Request>;
  /** Whether the platform accepted it: status and body (already read as text). Never include secrets in messages. */
  check(status: number, body: string): DeliveryCheck;
}
