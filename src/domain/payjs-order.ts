/**
 * A complaint's order at PAYJS as the API shows it (`GET /api/complaints/{id}/order`), read from PAYJS's checked
 * `/check` answer; the dashboard reads the same type.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/ding-dan-cha-xun.html
 */
import { fen, fieldText, upstreamTime } from "./payjs-fields";

/** An order as the API shows it; `raw` is PAYJS's answer verbatim (its `openid` included), minus its `sign`. */
export interface PayjsOrder {
  payjs_order_id: string;
  out_trade_no: string;
  transaction_id: string;
  /** PAYJS's `status`: 1 paid, 0 unpaid; null for anything else. */
  status: "paid" | "unpaid" | null;
  total_fee: number | null;
  /** ISO 8601 at +08:00, PAYJS's text when it is no time, or null when absent. */
  paid_time: string | null;
  raw: Record<string, unknown>;
}

/** The order in a checked `/check` answer. */
export function orderOf(payload: Record<string, unknown>): PayjsOrder {
  const { sign: _sign, ...raw } = payload;
  const status = fieldText(payload.status).trim();
  const paid = payload.paid_time;
  return {
    payjs_order_id: fieldText(payload.payjs_order_id),
    out_trade_no: fieldText(payload.out_trade_no),
    transaction_id: fieldText(payload.transaction_id),
    status: status === "1" ? "paid" : status === "0" ? "unpaid" : null,
    total_fee: fen(payload.total_fee),
    paid_time: paid === undefined || paid === null || paid === "" ? null : upstreamTime(paid),
    raw,
  };
}
