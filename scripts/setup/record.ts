/**
 * A small note of the last successful setup, `.wrangler/setup.json` beside `.dev.vars` (`.wrangler/` is never
 * committed), so a re-run can say whose tokens it replaces. It holds no token and no key: only when and where.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SetupRecord {
  deployed_at: string;
  worker_url: string | null;
}

export function recordPath(dir: string): string {
  return join(dir, ".wrangler", "setup.json");
}

/** The last setup's record, or null when there is none (or it is unreadable: it only sharpens a warning). */
export function readRecord(dir: string): SetupRecord | null {
  try {
    const parsed = JSON.parse(readFileSync(recordPath(dir), "utf8")) as Partial<SetupRecord> | null;
    if (typeof parsed?.deployed_at !== "string") return null;
    return { deployed_at: parsed.deployed_at, worker_url: typeof parsed.worker_url === "string" ? parsed.worker_url : null };
  } catch {
    return null;
  }
}

/** Best effort: the Worker is deployed whether or not the note can be written. */
export function writeRecord(dir: string, record: SetupRecord): void {
  try {
    mkdirSync(join(dir, ".wrangler"), { recursive: true });
    writeFileSync(recordPath(dir), `${JSON.stringify(record, null, 2)}\n`);
  } catch {
    // Only a later warning loses its date.
  }
}
