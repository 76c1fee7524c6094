/**
 * Outbound requests one invocation may still make. The Workers free plan allows 50 subrequests per
 * invocation: upstream polls and alert deliveries share them, and what does not fit waits for the next tick.
 * @module
 * @see https://developers.cloudflare.com/workers/platform/limits/#subrequests
 */
export const SUBREQUESTS_PER_INVOCATION = 50;

export class Budget {
  constructor(private left = SUBREQUESTS_PER_INVOCATION) {}

  get remaining(): number {
    return this.left;
  }

  /** Takes one request if any is left. */
  take(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    return true;
  }
}
