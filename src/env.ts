/**
 * The Worker's bindings: vars and the KV binding come from `wrangler types` (worker-configuration.d.ts);
 * secrets are set with `wrangler secret put` and may be absent, so they are typed here as optional, as is the
 * queue a deployment may remove from `wrangler.toml`.
 * @module
 */
interface Secrets {
  PAYJS_MCHID?: string;
  PAYJS_KEY?: string;
  PAYJS_MERCHANTS?: string;
  API_TOKENS?: string;
  ADMIN_TOKEN?: string;
  NOTIFY_CHANNELS?: string;
  /** The dashboard's address, set by `npm run setup` as a secret so a later `npm run deploy` keeps it. */
  PUBLIC_URL?: string;
}

/** Vars that `wrangler.toml` leaves unset: absent unless a deployment sets them. */
interface OptionalVars {
  /** Set by `npm run setup` (as secrets) when it was given them, so the Worker checks answers as setup did. */
  PAYJS_API_BASE?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  RESPONSE_SIGNATURE?: string;
  /** The three below mean "none" when empty, so they are read even when empty. */
  REPLY_WITHIN_HOURS?: string;
  RESOLVE_WITHIN_HOURS?: string;
  REMIND_BEFORE_HOURS?: string;
  /** Retired: its presence is a setting error that names REMIND_BEFORE_HOURS. */
  REMIND_AFTER_HOURS?: string;
  /** Kept for old deployments: `true` means `RESPONSE_SIGNATURE=if_present`. */
  ALLOW_UNSIGNED_RESPONSES?: string;
  /** `true` lets the admin token refund a complaint's order (off unless set). */
  ALLOW_REFUNDS?: string;
}

/** Bindings a deployment may delete from `wrangler.toml`: the code works without them. */
interface OptionalBindings {
  /** The queue of merchants to poll, one per consumer invocation (see src/poller/fan-out.ts); absent: the cron polls them itself. */
  POLL_QUEUE?: Queue;
}

export type WorkerEnv = Omit<Env, keyof OptionalBindings> & Secrets & OptionalVars & OptionalBindings;
