/**
 * The one error type of the HTTP layer, and the one JSON shape of every error answer:
 * `{"error":{"code","message","setting"?,"parameter"?}}` with its status. Routes and middleware throw it;
 * `app.onError` answers it (see app.ts, which also turns the reader's `QueryError` and an action's `ActionError` into one, and any other error
 * into a 500 `internal`).
 * @module
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./types";

interface HttpErrorOptions {
  /** The setting a `bad_config` names. */
  setting?: string;
  /** The request parameter (or `body`) a 400 names. */
  parameter?: string;
  /** What the status calls for: `WWW-Authenticate` with a 401, `Allow` with a 405, `Retry-After` with a 429. */
  headers?: Readonly<Record<string, string>>;
}

export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly setting: string | undefined;
  readonly parameter: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message);
    this.setting = options.setting;
    this.parameter = options.parameter;
    this.headers = options.headers ?? {};
  }

  /**
   * The answer, like hono's `HTTPException.getResponse()`, but made through the request's context as every answer
   * is, so what was set on it before the error (CORS's `Vary: Origin`) stays. A `setting` or `parameter` that is not
   * there is left out of the body.
   */
  getResponse(c: Context<AppEnv>): Response {
    const { code, message, setting, parameter } = this;
    return c.json({ error: { code, message, setting, parameter } }, this.status, this.headers);
  }
}
