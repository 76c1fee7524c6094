/**
 * How far the move of a merchant from layout 2 (every complaint ever seen in one value) has come (`upgrade:{mchid}`):
 * where the next slice of the old list begins, and what the slices so far gathered for the present. Written when the
 * namespace's layout changes and by each slice (poller/upgrade.ts); gone once the present is written.
 * @module
 */
import type { DayCounts } from "./days";
import { NO_HISTORY } from "./history";
import type { Shape } from "./shape";
import { isCount } from "./shape";
import { type Present, presentShape } from "./stored-complaints";

export interface Upgrade extends Present {
  /** How many complaints of the old list the slices so far moved. */
  done: number;
  /** Where the next slice begins in the old value's text (0: the first slice finds the list). */
  offset: number;
}

/** The move of a merchant not begun. */
export function upgradeBegun(): Upgrade {
  const days: DayCounts = {};
  return { complaints: [], history: NO_HISTORY, days, done: 0, offset: 0 };
}

export function upgradeShape(mchid: string): Shape<Upgrade> {
  const present = presentShape(mchid);
  return {
    what: "upgrade progress",
    read(record) {
      const { done, offset } = record;
      if (typeof done !== "number" || !isCount(done) || typeof offset !== "number" || !isCount(offset)) return null;
      const gathered = present.read(record);
      return gathered === null ? null : { ...gathered, done, offset };
    },
    write: (upgrade) => ({ done: upgrade.done, offset: upgrade.offset, ...present.write(upgrade) }),
  };
}
