/**
 * A complaint's order at PAYJS: `POST ${apiBase}/check` with exactly `payjs_order_id` and `sign`, signed with the
 * complaint's merchant's key and its answer checked as a complaint answer is (`RESPONSE_SIGNATURE`). PAYJS warns
 * that frequent checks can get the caller's address blocked: callers cache the answer (src/http/routes/order.ts).
 * @module
 * @see https://help.payjs.cn/api-lie-biao/ding-dan-cha-xun.html
 */
import type { Merchant } from "../domain/merchant";
import type { PayjsOrder } from "../domain/payjs-order";
import { type ClientOptions, callSigned, type UpstreamError } from "./client";
import { fen, fieldText, upstreamTime } from "./complaint";

export type { PayjsOrder };

export type OrderCheck = { ok: true; order: PayjsOrder } | { ok: false; error: UpstreamError };

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

export async function checkOrder(merchant: Merchant, payjsOrderId: string, options: ClientOptions): Promise<OrderCheck> {
  const { result } = await callSigned("check", { payjs_order_id: payjsOrderId }, merchant.key, options);
  if (!result.ok) return result;
  const order = orderOf(result.payload);
  // An answer about another order (or none) is no answer about this one.
  if (order.payjs_order_id !== payjsOrderId) {
    const message = `PAYJS answered about order ${JSON.stringify(order.payjs_order_id)}, not the one asked for`;
    return { ok: false, error: { code: "bad_shape", message, transient: false } };
  }
  return { ok: true, order };
}

export type RefundCall = { ok: true; raw: Record<string, unknown> } | { ok: false; error: UpstreamError };

/**
 * `POST ${apiBase}/refund`: PAYJS refunds the whole order, once, while the merchant's unsettled balance covers it.
 * Only an answer that is checked as a complaint answer is (and names this order) counts as done.
 */
export async function refundOrder(merchant: Merchant, payjsOrderId: string, options: ClientOptions): Promise<RefundCall> {
  const { result } = await callSigned("refund", { payjs_order_id: payjsOrderId }, merchant.key, options);
  if (!result.ok) return result;
  const { sign: _sign, ...raw } = result.payload;
  if (fieldText(raw.payjs_order_id) !== payjsOrderId) {
    const message = `PAYJS answered about order ${JSON.stringify(fieldText(raw.payjs_order_id))}, not the one refunded`;
    return { ok: false, error: { code: "bad_shape", message, transient: false } };
  }
  return { ok: true, raw };
}
