/**
 * Complaints as CSV for Excel and WPS: UTF-8 with a BOM (so Chinese text opens right), CRLF rows,
 * RFC 4180 quoting, and a leading `'` on text cells a spreadsheet would run as a formula (amounts stay numbers).
 * @module
 * @see https://www.rfc-editor.org/rfc/rfc4180
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
import { yuan } from "../domain/money";
import { beijingTextOf, complaintAtText } from "../domain/time";
import type { Row } from "./view";

export const CSV_COLUMNS = [
  "id",
  "mchid",
  "complaint_at",
  "out_trade_no",
  "order_id",
  "total_fee",
  "total_fee_yuan",
  "body",
  "active",
  "first_seen_at",
  "last_seen_at",
  "handled_at",
  "replied_at",
  "reply_by",
  "resolve_by",
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: anything a spreadsheet would run as a formula gets a leading `'`. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * An amount in fen, written by us from an integer: a leading `-` there is a sign, not a formula, and a
 * `'` would turn a refund into text that sums to nothing. Anything but a safe integer stays a text cell.
 */
function amountCell(fen: number | null, format: (fen: number) => string): string {
  if (fen === null) return "";
  return Number.isSafeInteger(fen) ? format(fen) : csvCell(String(fen));
}

/**
 * A time as Beijing wall-clock `YYYY-MM-DD HH:MM:SS`, which Excel and WPS read as a date (neither reads an offset);
 * empty for none, and upstream text that is no time unchanged.
 */
function timeCell(value: string | null | undefined): string {
  return value === null || value === undefined ? "" : beijingTextOf(value, true);
}

function line({ complaint: c, marks, deadlines }: Row): string {
  const text = [c.id, c.mchid, complaintAtText(c.complaint_at, true), c.out_trade_no, c.order_id].map(csvCell);
  const amounts = [amountCell(c.total_fee, String), amountCell(c.total_fee, yuan)];
  const times = [c.first_seen_at, c.last_seen_at, marks.handled?.at, marks.replied?.at, deadlines.reply_by, deadlines.resolve_by].map(
    timeCell,
  );
  const rest = [c.body, String(c.active), ...times].map(csvCell);
  return [...text, ...amounts, ...rest].join(",");
}

/** Every time in Beijing time; `handled_at`, `replied_at` and the deadlines are empty when there is none. */
export function complaintsCsv(rows: readonly Row[]): string {
  return "\uFEFF" + [CSV_COLUMNS.join(","), ...rows.map(line)].join("\r\n") + "\r\n";
}
