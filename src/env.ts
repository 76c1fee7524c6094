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

export type WorkerEnv = Env & Secrets;
