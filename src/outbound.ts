/**
 * The outbound requests of one invocation: how many it may still make (the Workers free plan allows 50
 * subrequests; upstream polls and alert deliveries share them, and what does not fit waits for the next
 * tick) and how many may be open at once (Workers allow 6 connections; a request queued behind them
 * would spend its time limit waiting, so it waits here, before its clock starts).
 * @module
 * @see https://developers.cloudflare.com/workers/platform/limits/#subrequests
 */
const SUBREQUESTS_PER_INVOCATION = 50;
/** Workers allow 6 open connections per invocation; one is left for KV. */
const OPEN_AT_ONCE = 5;
/** Merchants polled at once, and alert deliveries sent at once, by one invocation: below {@link OPEN_AT_ONCE}, so neither waits on the other for long. */
export const MERCHANTS_AT_ONCE = 4;
export const DELIVERIES_AT_ONCE = 4;

export class Outbound {
  private left: number;
  private open = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(limit = SUBREQUESTS_PER_INVOCATION) {
    this.left = limit;
  }

  get remaining(): number {
    return this.left;
  }

  /** Takes one request from the budget if any is left. */
  take(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    return true;
  }

  /** Runs `request` once a connection is free. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    if (this.open >= OPEN_AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.open++;
    try {
      return await request();
    } finally {
      this.open--;
      this.waiting.shift()?.();
    }
  }
}
