/**
 * The Worker's address, read from what `wrangler deploy` printed (wrangler 4):
 * ```
 * Deployed payjs-complaint-watch triggers (1.23 sec)
 *   https://payjs-complaint-watch.example.workers.dev
 *   watch.example.com (custom domain)
 *   schedule: *\/30 * * * *
 * ```
 * workers.dev targets come with `https://`; routes and custom domains as configured. A custom domain is preferred
 * (it is what the user chose to publish, and `*.workers.dev` is often unreachable from mainland China).
 * @module
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: wrangler colours its output on a terminal; the colours go.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const DEPLOYED = /^Deployed \S+ triggers\b/;
const CUSTOM_DOMAIN = /^([A-Za-z0-9.-]+\.[A-Za-z]{2,}) \(custom domain\b/;
const WORKERS_DEV = /^(https:\/\/[A-Za-z0-9.-]+\.workers\.dev)\/?$/;

export interface WorkerAddress {
  /** `https://host`, no trailing slash. */
  url: string;
  kind: "custom_domain" | "workers_dev";
}

/** The address to use, or null when wrangler printed none (e.g. only routes, or the output changed). */
export function workerAddress(output: string): WorkerAddress | null {
  const targets: string[] = [];
  let inBlock = false;
  for (const raw of output.replace(ANSI, "").split(/\r?\n/)) {
    if (DEPLOYED.test(raw.trim())) {
      inBlock = true;
      continue;
    }
    // The targets are the indented lines right under the header.
    if (inBlock && /^\s+\S/.test(raw)) targets.push(raw.trim());
    else inBlock = false;
  }
  for (const target of targets) {
    const host = CUSTOM_DOMAIN.exec(target)?.[1];
    if (host !== undefined) return { url: `https://${host.toLowerCase()}`, kind: "custom_domain" };
  }
  for (const target of targets) {
    const url = WORKERS_DEV.exec(target)?.[1];
    if (url !== undefined) return { url, kind: "workers_dev" };
  }
  return null;
}
