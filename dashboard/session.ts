/**
 * What the list, the detail and the chart need from the signed-in page: the API with the token, the way errors
 * are shown, the merchants' names and the last status.
 * @module
 */
import type { Slot } from "./messages";
import type { Complaint, StatusAnswer } from "./wire";

export interface Session {
  /** Calls an API path with the token (GET, or `method` with `body` as JSON) and parses the JSON answer; throws `ApiError`. */
  call<T>(path: string, method?: string, body?: unknown): Promise<T>;
  /** Says what went wrong in `slot` (a refused token signs out). */
  fail(error: unknown, slot: Slot): void;
  /** "name (mchid)", or the mchid alone. */
  label(mchid: string): string;
  /** The merchant's name alone, or its mchid. */
  shortName(mchid: string): string;
  /** The last `GET /api/status` answer, null before one. */
  status(): StatusAnswer | null;
  /** A complaint changed here (a mark set or taken back): its row and the status panel follow. */
  changed(complaint: Complaint): void;
}
