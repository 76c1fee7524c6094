/**
 * A complaint's order at PAYJS as the API shows it (`GET /api/complaints/{id}/order`): the Worker builds it
 * (src/payjs/order.ts), the dashboard reads it.
 * @module
 */

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
