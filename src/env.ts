/**
 * The Worker's bindings: vars and the KV binding come from `wrangler types` (worker-configuration.d.ts);
 * secrets are set with `wrangler secret put` and may be absent, so they are typed here as optional.
 * @module
 */
export interface Secrets {
  PAYJS_MCHID?: string;
  PAYJS_KEY?: string;
  PAYJS_MERCHANTS?: string;
  API_TOKENS?: string;
  ADMIN_TOKEN?: string;
  NOTIFY_CHANNELS?: string;
}

/** Vars that `wrangler.toml` leaves unset: absent unless a deployment sets them. */
export interface OptionalVars {
  RESPONSE_SIGNATURE?: string;
  /** Empty means no reminders, so it is read even when empty. */
  REMIND_AFTER_HOURS?: string;
  /** Kept for old deployments: `true` means `RESPONSE_SIGNATURE=if_present`. */
  ALLOW_UNSIGNED_RESPONSES?: string;
}

export type WorkerEnv = Env & Secrets & OptionalVars;
