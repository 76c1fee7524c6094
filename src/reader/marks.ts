/**
 * Every merchant's marks as one answer sees them: read apart from the snapshot (src/actions/marks.ts reads and
 * changes them) and merged into each answer when it is built. How long an isolate keeps them is `cache.ts`'s.
 * @module
 */
import type { MerchantMarks } from "../actions/marks";
import type { Complaint } from "../domain/complaint";
import { type ComplaintMarks, markOf, marksIn, UNMARKED } from "../domain/marks";

export interface MarksView {
  /** Each configured merchant's marks. */
  byMerchant: ReadonlyMap<string, MerchantMarks>;
  /** Changes whenever any merchant's marks change. */
  revision: string;
}

/** No marks read (what the reader's functions assume when given none). */
export const NO_MARKS: MarksView = { byMerchant: new Map(), revision: "" };

/** The marks of one complaint. */
export function marksFor(view: MarksView, c: Pick<Complaint, "mchid" | "id">): ComplaintMarks {
  const book = view.byMerchant.get(c.mchid)?.book;
  return book === undefined ? UNMARKED : marksIn(book, c.id);
}

/** Whether one complaint carries a handled mark. */
export function isHandled(view: MarksView, c: Pick<Complaint, "mchid" | "id">): boolean {
  const book = view.byMerchant.get(c.mchid)?.book;
  return book !== undefined && markOf(book.handled, c.id) !== null;
}
