/**
 * The shapes shared by the channel types, the settings that configure channels, the events and the delivery side.
 * @module
 */
import type { Notice } from "../domain/outbox";

export interface SendContext {
  publicUrl: string | null;
  /**
   * The key of a view link to a complaint (domain/view-key.ts), made when the message is sent; absent where no secret
   * is at hand (`npm run setup`'s test messages): its links then open the dashboard's sign-in.
   */
  viewKey?: (mchid: string, id: string) => string;
  /** The real clock, ms: what a platform's signature timestamps. */
  now: number;
  /** When it is sent as the tick counts time, ms: what a message's "time left" is counted from. */
  at: number;
}

export type DeliveryCheck = { ok: true } | { ok: false; code: string; message: string };

export interface ChannelType<O> {
  type: string;
  /** Chat channels (all but webhook) get a summary instead of more than 5 separate messages. */
  chat: boolean;
  /** Option keys besides the common ones (`type`, `name`, `events`, `merchants`, `digest_at`, `quiet_hours`). */
  required: readonly string[];
  optional: readonly string[];
  /** Validates this type's options (already known to have only allowed keys); throws Error with a message naming the option (never echo a secret value). */
  parse(options: Record<string, unknown>): O;
  /** The HTTP request for one message. */
  request(n: Notice, options: O, ctx: SendContext): Promise<Request>;
  /** Whether the platform accepted it: status and body (already read as text). Never include secrets in messages. */
  check(status: number, body: string): DeliveryCheck;
}

/** One alert channel of `NOTIFY_CHANNELS`, parsed (src/notify/settings.ts). */
export interface Channel {
  name: string;
  type: ChannelType<unknown>;
  options: unknown;
  /** null: every event. */
  events: ReadonlySet<string> | null;
  /** null: every merchant. */
  merchants: ReadonlySet<string> | null;
  /** Minutes after Beijing midnight of the daily digest; null: no digest. */
  digestAt: number | null;
  /** Beijing minutes `[from, to)` in which messages wait (over midnight when from > to); null: none. */
  quietHours: [number, number] | null;
}
