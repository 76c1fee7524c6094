/**
 * The API as the page calls it: same origin, the token (or a view link's key) only ever in the `Authorization`
 * header, and every failure turned into an {@link ApiError} carrying the contract's error code (and `setting` for
 * `bad_config`).
 * @module
 */

export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when the Worker could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** The setting a `bad_config` error names. */
    readonly setting = "",
    /** What the request was sent with: a 401 is about that credential, not whatever the page holds by then. */
    readonly authorization = "",
  ) {
    super(message);
  }
}

/**
 * Calls `path` with `authorization` (`Bearer <token>` or `View <key>`; none when empty), GET unless `method` says
 * otherwise, `body` sent as JSON; resolves only to a 2xx answer.
 */
export async function api(path: string, authorization: string, method = "GET", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, "network", String(e), "", authorization);
  }
  if (res.ok) return res;
  let err: { code?: unknown; message?: unknown; setting?: unknown } = {};
  try {
    err = ((await res.json()) as { error?: typeof err }).error ?? {};
  } catch {
    // not JSON
  }
  const text = (v: unknown): string => (typeof v === "string" ? v : "");
  throw new ApiError(res.status, text(err.code), text(err.message) || res.statusText, text(err.setting), authorization);
}
