/**
 * How `npm run setup` stops short: a typed error whose code says why and whose status is the exit status
 * (2: the input is wrong and nothing was tried; 1: a check or the deploy said no; 128+n: stopped by a signal).
 * Its message, in the run's language, is printed as it is, so it never holds a key or a token.
 * @module
 */

export type SetupErrorCode =
  | "usage"
  | "missing"
  | "bad_config"
  | "bad_tokens"
  | "bad_channels"
  | "domain_taken"
  | "dns_unchecked"
  | "refused"
  | "channel_failed"
  | "cancelled"
  | "deploy_failed"
  | "public_url_failed"
  | "interrupted";

const STATUS: Record<SetupErrorCode, number> = {
  usage: 2,
  missing: 2,
  bad_config: 2,
  bad_tokens: 2,
  bad_channels: 2,
  domain_taken: 2,
  dns_unchecked: 2,
  refused: 1,
  channel_failed: 1,
  cancelled: 1,
  deploy_failed: 1,
  public_url_failed: 1,
  interrupted: 130,
};

export class SetupError extends Error {
  override readonly name = "SetupError";
  /** The exit status. */
  readonly status: number;
  /** The setting to fix, when one is to blame. */
  readonly setting: string | null;
  constructor(
    readonly code: SetupErrorCode,
    message: string,
    options: { setting?: string; status?: number } = {},
  ) {
    super(message);
    this.setting = options.setting ?? null;
    this.status = options.status ?? STATUS[code];
  }
}
