import { describe, expect, it } from "vitest";
import type { Complaint } from "../domain/complaint";
import { served } from "../domain/handled";
import { complaintsCsv, csvCell } from "./csv";

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
const complaint = served(record, null);

describe("CSV", () => {
  it("Should start with a BOM and the contract's header row, then one CRLF row per complaint", () => {
    const csv = complaintsCsv([complaint]);
    expect(
      csv.startsWith(
        "\uFEFFid,mchid,complaint_at,out_trade_no,order_id,total_fee,total_fee_yuan,body,active,first_seen_at,last_seen_at,handled_at\r\n",
      ),
    ).toBe(true);
    expect(csv.split("\r\n")[1]).toBe(
      'C1,100,2026-11-08T01:13:29+08:00,OT-1,2026,2990,29.90,"商品未收到, ""急""\n请退款",true,2026-11-27T00:00:00.000Z,2026-11-27T04:00:00.000Z,',
    );
  });

  it("Should end each row with handled_at: the mark's time, empty when unmarked", () => {
    const marked = served(record, { at: "2026-11-28T01:02:03.004Z", note: "=done by 王" });
    const [, first, second] = complaintsCsv([marked, complaint]).split("\r\n");
    expect(first?.split(",").at(-1)).toBe("2026-11-28T01:02:03.004Z");
    expect(second?.endsWith(",2026-11-27T04:00:00.000Z,")).toBe(true);
    // The note is not a column: it may hold anything, and the contract's CSV names only handled_at.
    expect(complaintsCsv([marked])).not.toContain("王");
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
