/**
 * A complaint as the API shows it: the stored record with its deadlines, `next_due` and marks, in the documented
 * field order (`raw` last). Webhooks get exactly this.
 * @module
 */
import type { Complaint } from "./complaint";
import { type DeadlineRules, type Deadlines, deadlinesOf, nextDue } from "./deadlines";
import type { ComplaintMarks, Mark } from "./marks";
import type { Refund } from "./refund";

export type ServedComplaint = Complaint & {
  deadlines: Deadlines;
  next_due: string | null;
  replied: Mark | null;
  handled: Mark | null;
  refund: Refund | null;
};

/** A complaint as the list shows it: as the API shows it, without `raw` unless the list was asked for it. */
export type ListedComplaint = Omit<ServedComplaint, "raw"> & Partial<Pick<ServedComplaint, "raw">>;

/** A served complaint without `raw`, about half of its bytes, which a list row does not need (the detail has it). */
export function lean(c: Complaint, marks: ComplaintMarks, rules: DeadlineRules): ListedComplaint {
  const deadlines = deadlinesOf(c, rules);
  // Written out rather than spread: every item of a page gets one object shape.
  return {
    id: c.id,
    mchid: c.mchid,
    complaint_at: c.complaint_at,
    out_trade_no: c.out_trade_no,
    order_id: c.order_id,
    total_fee: c.total_fee,
    body: c.body,
    first_seen_at: c.first_seen_at,
    last_seen_at: c.last_seen_at,
    active: c.active,
    deadlines,
    next_due: nextDue(c, deadlines, marks),
    replied: marks.replied,
    handled: marks.handled,
    refund: marks.refund,
  };
}

export function served(c: Complaint, marks: ComplaintMarks, rules: DeadlineRules): ServedComplaint {
  return { ...(lean(c, marks, rules) as Omit<ServedComplaint, "raw">), raw: c.raw };
}

/** A complaint as a view link shows it (domain/view-key.ts): no `raw`, and of each mark and refund only what and when. */
export type ViewedComplaint = Omit<ListedComplaint, "replied" | "handled" | "refund" | "raw"> & {
  replied: { at: string } | null;
  handled: { at: string } | null;
  refund: Pick<Refund, "state" | "at" | "total_fee"> | null;
};

export function viewed(c: Complaint, marks: ComplaintMarks, rules: DeadlineRules): ViewedComplaint {
  const { raw: _raw, ...shown } = lean(c, marks, rules);
  const when = (mark: Mark | null) => (mark === null ? null : { at: mark.at });
  const { refund } = marks;
  return {
    ...shown,
    replied: when(marks.replied),
    handled: when(marks.handled),
    refund: refund === null ? null : { state: refund.state, at: refund.at, total_fee: refund.total_fee },
  };
}
