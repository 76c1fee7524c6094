/**
 * What the list, the detail, the chart and the devices need from the signed-in page: the API with the token (or a
 * view link's key), the way errors are shown, the merchants' names, the last status and who is asking.
 * @module
 */
import type { Slot } from "./messages";
import type { Complaint, StatusAnswer } from "./wire";

export interface Session {
  /** Calls an API path with the token (GET, or `method` with `body` as JSON) and parses the JSON answer; throws `ApiError`. */
  call<T>(path: string, method?: string, body?: unknown): Promise<T>;
  /** Reads one complaint (`GET /api/complaints/{id}?mchid=`, the one route it opens) with the view link's key. */
  view<T>(path: string): Promise<T>;
  /** Says what went wrong in `slot` (a refused token signs out). */
  fail(error: unknown, slot: Slot): void;
  /** "name (mchid)", or the mchid alone. */
  label(mchid: string): string;
  /** The merchant's name alone, or its mchid. */
  shortName(mchid: string): string;
  /** The last `GET /api/status` answer, null before one. */
  status(): StatusAnswer | null;
  /** The status says the token is an admin's: admin actions are offered. */
  admin(): boolean;
  /** The page reads one complaint with a view link's key (no token): read-only, and no other route. */
  viewing(): boolean;
  /** A complaint changed here (a mark set or taken back): its row and the status panel follow. */
  changed(complaint: Complaint): void;
}
