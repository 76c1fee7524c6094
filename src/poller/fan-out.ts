/**
 * One merchant per invocation, through Cloudflare Queues (optional: the `POLL_QUEUE` binding). The cron tick
 * sends one message per due merchant, carrying its mchid and nothing else (never a key, never complaint data);
 * the Worker's `queue()` handler polls each merchant in an invocation of its own (`max_batch_size = 1`), so each
 * has the free plan's 10 ms of CPU and 50 subrequests to itself.
 *
 * Delivery is at least once, and two ticks may send the same merchant while its poll waits: the consumer re-reads
 * the merchant's status and polls only while it is still due, so a repeated message polls nothing.
 * @module
 * @see https://developers.cloudflare.com/queues/configuration/javascript-apis/
 */
import { type Config, loadConfig } from "../config";
import type { WorkerEnv } from "../env";
import { logEvent } from "../log";
import { Outbound } from "../outbound";
import { Store } from "../store";
import { type MerchantRecord, planPoll } from "./plan";
import { pollMerchants } from "./poll";

/** A message's body: which merchant to poll. */
interface PollMessage {
  mchid: string;
}

/** Queues takes at most 100 messages in one `sendBatch`. */
const SEND_BATCH_MAX = 100;
/**
 * A message whose poll met a KV failure comes back this much later: past KV's one write per key per second and
 * the minute a write may take to show elsewhere. `max_retries` in wrangler.toml bounds how often.
 */
const RETRY_DELAY_SECONDS = 60;
/** A message that found this invocation's subrequests spent (a batch of several) comes back at once, in another. */
const NO_BUDGET_DELAY_SECONDS = 0;

const reason = (error: unknown): string => (error instanceof Error ? error.message : "unknown error").slice(0, 200);

interface Enqueued {
  /** How many merchants are in the queue now. */
  sent: number;
  /** Those the queue refused, in order: the tick polls them itself. */
  unsent: MerchantRecord[];
  /** Why the queue refused them; null when it took every one. */
  error: string | null;
}

/** Sends one message per merchant (in batches of {@link SEND_BATCH_MAX}); a batch that throws and those after it come back unsent. */
export async function enqueuePolls(queue: Queue, due: readonly MerchantRecord[]): Promise<Enqueued> {
  for (let i = 0; i < due.length; i += SEND_BATCH_MAX) {
    const chunk = due.slice(i, i + SEND_BATCH_MAX);
    try {
      await queue.sendBatch(chunk.map(({ merchant }) => ({ body: { mchid: merchant.mchid } satisfies PollMessage, contentType: "json" })));
    } catch (error) {
      return { sent: i, unsent: due.slice(i), error: reason(error) };
    }
  }
  return { sent: due.length, unsent: [], error: null };
}

/** The mchid a message names, or null when its body is not `{"mchid":"…"}`. */
function mchidOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const { mchid } = body as Record<string, unknown>;
  return typeof mchid === "string" && mchid.length > 0 ? mchid : null;
}

/** What a bad body was, for the log: its kind, never its content. */
function kindOf(body: unknown): string {
  if (body === null) return "null";
  if (Array.isArray(body)) return "array";
  if (typeof body === "object") return "object without a string mchid";
  return typeof body;
}

/**
 * One message: polls its merchant if still due, then acknowledges it. Only a failure of KV before the poll
 * could record anything retries it; a bad body or a merchant no longer configured is logged and acknowledged.
 */
async function consumeOne(message: Message<unknown>, config: Config, store: Store, outbound: Outbound): Promise<void> {
  const mchid = mchidOf(message.body);
  if (mchid === null) {
    logEvent("queue", {
      outcome: "bad_message",
      id: message.id,
      body: kindOf(message.body),
      message: 'A poll message must be {"mchid":"…"}; dropped',
    });
    message.ack();
    return;
  }
  const merchant = config.merchants.find((m) => m.mchid === mchid);
  if (merchant === undefined) {
    logEvent("queue", {
      mchid: mchid.slice(0, 64),
      outcome: "unknown_merchant",
      message: "No configured merchant has this mchid (removed from the settings since it was sent?); dropped",
    });
    message.ack();
    return;
  }
  if (outbound.remaining === 0) {
    logEvent("queue", {
      mchid,
      outcome: "no_budget",
      message: "This invocation's subrequests are spent; the message comes back in another",
    });
    message.retry({ delaySeconds: NO_BUDGET_DELAY_SECONDS });
    return;
  }
  // Never earlier than the message was sent: a clock behind the tick's must not find its merchant not due.
  const now = Math.max(Date.now(), message.timestamp.getTime());
  try {
    const plan = await planPoll(config, store, now, merchant);
    if (plan.due.length === 0) {
      // Polled since the message was sent: a repeated message, or two ticks sent it while it waited.
      logEvent("queue", { mchid, outcome: "not_due", next_due_in_s: Math.ceil((plan.nextDueInMs ?? 0) / 1000) });
    } else {
      await pollMerchants({ config, store, now, outbound }, plan.due);
    }
    message.ack();
  } catch (error) {
    logEvent("queue", { mchid, outcome: "retry", attempts: message.attempts, error: "storage", message: reason(error) });
    message.retry({ delaySeconds: RETRY_DELAY_SECONDS });
  }
}

/** The `queue()` handler's work: each message of the batch in turn, sharing the invocation's subrequests. */
export async function consumePolls(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    // Retrying cannot mend a setting; the tick logs the same error and sends nothing until it is fixed.
    const { error } = loaded;
    logEvent("queue", {
      outcome: "error",
      error: error.code,
      setting: error.setting,
      message: error.message,
      dropped: batch.messages.length,
    });
    batch.ackAll();
    return;
  }
  const store = new Store(env.COMPLAINTS);
  const outbound = new Outbound();
  for (const message of batch.messages) await consumeOne(message, loaded.config, store, outbound);
}
