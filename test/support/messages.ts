/** A message as a channel renders it, for the unit tests of the alert text (src/notify/). */
import type { Notice } from "../../src/domain/outbox";
import { formatMessage } from "../../src/notify/format";
import type { Message } from "../../src/notify/render";

/** The message `n` as sent at `now` (default: the moment it was told), with `publicUrl` for its links. */
export function messageOf<N extends Notice>(n: N, publicUrl: string | null = null, now: number = Date.parse(n.at)): Message {
  return formatMessage(n, { publicUrl, now, at: now });
}
