/**
 * The `PUBLIC_URL` setup deploys (the dashboard's address, for links in alerts and sign-in links): `https://NAME`
 * with `--domain NAME`, else `PUBLIC_URL` from the environment or `.dev.vars` (so a re-run keeps a custom domain),
 * else none yet: setup then sets it after the deploy to the address wrangler reported (`secret put`).
 * @module
 */
import { parseConfig } from "../../src/config";
import { loadSettings, type Source } from "../doctor/settings";

export interface PublicUrl {
  /** `https://host`, as the Worker reads it (no trailing slash). */
  url: string;
  /** `domain`: from `--domain`. */
  source: Source | "domain";
  /** Whether the environment or `.dev.vars` already holds this address (so a later setup keeps it). */
  kept: boolean;
}

/**
 * The address known before the deploy, or null.
 * @throws ConfigError naming PUBLIC_URL when the one set is no absolute http(s) URL (the Worker's own check).
 */
export function knownPublicUrl(domain: string | null, env: NodeJS.ProcessEnv, cwd: string): PublicUrl | null {
  const loaded = loadSettings(env, cwd, ["PUBLIC_URL"] as const);
  const given = loaded.values.PUBLIC_URL === undefined ? null : parseConfig({ PUBLIC_URL: loaded.values.PUBLIC_URL }).publicUrl;
  if (domain !== null) {
    const url = `https://${domain}`;
    return { url, source: "domain", kept: given === url };
  }
  if (given === null) return null;
  return { url: given, source: loaded.sources.PUBLIC_URL ?? "environment", kept: true };
}
