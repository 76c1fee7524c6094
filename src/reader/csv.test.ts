import { describe, expect, it } from "vitest";
import type { Complaint } from "../domain/complaint";
import { DEFAULT_RULES } from "../domain/deadlines";
import { UNMARKED } from "../domain/marks";
import { positionOf } from "../domain/position";
import { type ServedComplaint, served } from "../domain/served";
import { CSV_COLUMNS, csvCell, complaintsCsv as csvOfRows } from "./csv";
import type { Row } from "./view";

/** A complaint as the API shows it, as a row of a view. */
function rowOf(c: ServedComplaint): Row {
  const { deadlines, next_due, replied, handled, refund, ...complaint } = c;
  const due = next_due === null ? null : Date.parse(next_due);
  return { complaint, position: positionOf(c), marks: { replied, handled, refund }, deadlines, next_due, due, handled: handled !== null };
}
const complaintsCsv = (complaints: ServedComplaint[]): string => csvOfRows(complaints.map(rowOf));

const record: Complaint = {
  id: "C1",
  mchid: "100",
  complaint_at: "2026-11-08T01:13:29+08:00",
  out_trade_no: "OT-1",
  order_id: "2026",
  total_fee: 2990,
  body: '商品未收到, "急"\n请退款',
  first_seen_at: "2026-11-27T00:00:00.000Z",
  last_seen_at: "2026-11-27T04:00:00.000Z",
  active: true,
  raw: {},
};
const complaint = served(record, UNMARKED, DEFAULT_RULES);
/** The cells of the first data row whose body has no comma or newline. */
function cellsOf(c: typeof complaint): Record<(typeof CSV_COLUMNS)[number], string> {
  const line = complaintsCsv([{ ...c, body: "b" }]).split("\r\n")[1] ?? "";
  const cells = line.split(",");
  expect(cells).toHaveLength(CSV_COLUMNS.length);
  return Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, cells[i] ?? ""])) as Record<(typeof CSV_COLUMNS)[number], string>;
}

describe("CSV", () => {
  it("Should start with a BOM and the contract's header row, then one CRLF row per complaint", () => {
    const csv = complaintsCsv([complaint]);
    expect(
      csv.startsWith(
        "\uFEFFid,mchid,complaint_at,out_trade_no,order_id,total_fee,total_fee_yuan,body,active,first_seen_at,last_seen_at,handled_at,replied_at,reply_by,resolve_by\r\n",
      ),
    ).toBe(true);
    expect(csv.split("\r\n")[1]).toBe(
      'C1,100,2026-11-08 01:13:29,OT-1,2026,2990,29.90,"商品未收到, ""急""\n请退款",true,2026-11-27 08:00:00,2026-11-27 12:00:00,,,2026-11-09 01:13:29,2026-11-11 01:13:29',
    );
  });

  it("Should write every time cell in Beijing time as YYYY-MM-DD HH:MM:SS, whatever offset it was stored with", () => {
    const marks = {
      replied: { at: "2026-11-27T16:30:00.000Z", note: "", by: null },
      handled: { at: "2026-11-28T01:02:03.004Z", note: "", by: null },
      refund: null,
    };
    const cells = cellsOf(served({ ...record, last_seen_at: "2026-11-27T15:59:59.999Z" }, marks, DEFAULT_RULES));
    // Past midnight in Beijing, the date moves on.
    expect(cells.last_seen_at).toBe("2026-11-27 23:59:59");
    expect(cells.replied_at).toBe("2026-11-28 00:30:00");
    expect(cells.handled_at).toBe("2026-11-28 09:02:03");
    const times = [
      cells.complaint_at,
      cells.first_seen_at,
      cells.last_seen_at,
      cells.handled_at,
      cells.replied_at,
      cells.reply_by,
      cells.resolve_by,
    ];
    for (const t of times) expect(t).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it("Should write handled_at and replied_at from the marks, empty when unmarked, and no note", () => {
    const handled = served(
      record,
      { replied: null, handled: { at: "2026-11-28T01:02:03.004Z", note: "=done by 王", by: null }, refund: null },
      DEFAULT_RULES,
    );
    const replied = served(
      record,
      { replied: { at: "2026-11-28T02:00:00.000Z", note: "回复 李", by: null }, handled: null, refund: null },
      DEFAULT_RULES,
    );
    expect([cellsOf(handled).handled_at, cellsOf(handled).replied_at]).toEqual(["2026-11-28 09:02:03", ""]);
    expect([cellsOf(replied).handled_at, cellsOf(replied).replied_at]).toEqual(["", "2026-11-28 10:00:00"]);
    expect([cellsOf(complaint).handled_at, cellsOf(complaint).replied_at]).toEqual(["", ""]);
    // A note may hold anything, and the contract's CSV names no note column.
    expect(complaintsCsv([handled, replied])).not.toMatch(/王|李/);
  });

  it("Should write the deadlines, which stay whatever the marks say, and leave a deadline the settings do not set empty", () => {
    const done = served(
      record,
      { replied: null, handled: { at: "2026-11-28T01:02:03.004Z", note: "", by: null }, refund: null },
      DEFAULT_RULES,
    );
    expect([cellsOf(done).reply_by, cellsOf(done).resolve_by]).toEqual(["2026-11-09 01:13:29", "2026-11-11 01:13:29"]);
    const noReply = served(record, UNMARKED, { ...DEFAULT_RULES, replyWithinHours: null });
    expect([cellsOf(noReply).reply_by, cellsOf(noReply).resolve_by]).toEqual(["", "2026-11-11 01:13:29"]);
  });

  it("Should keep a complaint_at that is upstream text as that text, and count its deadlines from first_seen_at", () => {
    const cells = cellsOf(served({ ...record, complaint_at: "昨天 下午3点" }, UNMARKED, DEFAULT_RULES));
    expect(cells.complaint_at).toBe("昨天 下午3点");
    expect(cells.reply_by).toBe("2026-11-28 08:00:00");
    expect(cells.resolve_by).toBe("2026-11-30 08:00:00");
    // Text a spreadsheet would run stays text, defused.
    expect(cellsOf(served({ ...record, complaint_at: "=NOW()" }, UNMARKED, DEFAULT_RULES)).complaint_at).toBe("'=NOW()");
    // Date-shaped text the poller kept because it names no real time is not read as some other date.
    for (const text of ["2026-02-30T10:00:00+08:00", "1999-12-31T23:00:00Z"]) {
      expect(cellsOf(served({ ...record, complaint_at: text }, UNMARKED, DEFAULT_RULES)).complaint_at).toBe(text);
    }
  });

  it("Should defuse cells a spreadsheet would run as a formula", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("Should write a negative amount as a number and still defuse text cells that look like one", () => {
    const refund = { ...complaint, total_fee: -100, body: "-1", out_trade_no: "=SUM(A1)" };
    const cells = complaintsCsv([refund]).split("\r\n")[1]?.split(",");
    expect(cells?.[5]).toBe("-100");
    expect(cells?.[6]).toBe("-1.00");
    expect(cells?.[7]).toBe("'-1");
    expect(cells?.[3]).toBe("'=SUM(A1)");
  });

  it("Should give only the header for no complaints", () => {
    expect(complaintsCsv([]).split("\r\n")).toHaveLength(2);
  });
});
