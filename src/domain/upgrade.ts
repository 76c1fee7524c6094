/**
 * How far the move of a merchant from layout 2 (every complaint ever seen in one value) has come (`upgrade:{mchid}`):
 * where the next slice of the old list begins, what the slices so far gathered for the present, and the history they
 * wrote. Written when the namespace's layout changes and by each slice (poller/upgrade.ts); gone once the present is
 * written.
 * @module
 */
import type { StoredComplaint } from "./complaint";
import { type DayCounts, isDayCounts } from "./days";
import { type History, NO_HISTORY } from "./history";
import type { Shape } from "./shape";
import { isCount, isString } from "./shape";
import { COMPLAINTS, historyShape } from "./stored-complaints";

export interface Upgrade {
  /** The complaints gathered for the present. */
  complaints: StoredComplaint[];
  /** The history's description as the slices wrote it, and its revision. */
  history: History;
  rev: string;
  days: DayCounts;
  /** How many complaints of the old list the slices so far moved. */
  done: number;
  /** Where the next slice begins in the old value's text (0: the first slice finds the list). */
  offset: number;
}

/** The move of a merchant not begun. */
export function upgradeBegun(): Upgrade {
  return { complaints: [], history: NO_HISTORY, rev: "", days: {}, done: 0, offset: 0 };
}

export function upgradeShape(mchid: string): Shape<Upgrade> {
  const described = historyShape(mchid);
  return {
    what: "upgrade progress",
    read(record) {
      const { done, offset, history_rev: rev, days } = record;
      if (typeof done !== "number" || !isCount(done) || typeof offset !== "number" || !isCount(offset)) return null;
      const complaints = COMPLAINTS.read(record);
      const history = described.read(record);
      if (complaints === null || history === null || !isString(rev) || !isDayCounts(days)) return null;
      return { complaints, history, rev, days, done, offset };
    },
    write: (upgrade) => ({
      done: upgrade.done,
      offset: upgrade.offset,
      history_rev: upgrade.rev,
      days: upgrade.days,
      ...described.write(upgrade.history),
      ...COMPLAINTS.write(upgrade.complaints),
    }),
  };
}
