/**
 * A complaint's order at PAYJS: `POST ${apiBase}/check` and `POST ${apiBase}/refund`, each a form post of `mchid`,
 * `payjs_order_id` and `sign`, as the official PHP SDK sends every request (its `sign()` adds `mchid`), signed with
 * the complaint's merchant's key; the answer is checked as a complaint answer is (`RESPONSE_SIGNATURE`). PAYJS warns
 * that frequent checks can get the caller's address blocked: the caller keeps the answer (src/actions/order-check.ts).
 * @module
 * @see https://help.payjs.cn/api-lie-biao/ding-dan-cha-xun.html
 * @see https://help.payjs.cn/api-lie-biao/tui-kuan.html
 */
import type { Merchant } from "../domain/merchant";
import { fieldText } from "../domain/payjs-fields";
import { orderOf, type PayjsOrder } from "../domain/payjs-order";
import { type ClientOptions, callSigned, type UpstreamError } from "./client";

type OrderCheck = { ok: true; order: PayjsOrder } | { ok: false; error: UpstreamError };

/** An answer about another order (or none) is no answer about this one. */
function otherOrder(answered: string, what: string): { ok: false; error: UpstreamError } {
  const message = `PAYJS answered about order ${JSON.stringify(answered)}, not the one ${what}`;
  return { ok: false, error: { code: "bad_shape", message, transient: false } };
}

/** The form of an order request: what the PHP SDK signs and sends. */
const orderFields = (merchant: Merchant, payjsOrderId: string) => ({ mchid: merchant.mchid, payjs_order_id: payjsOrderId });

export async function checkOrder(merchant: Merchant, payjsOrderId: string, options: ClientOptions): Promise<OrderCheck> {
  const { result } = await callSigned("check", orderFields(merchant, payjsOrderId), merchant.key, options);
  if (!result.ok) return result;
  const order = orderOf(result.payload);
  return order.payjs_order_id === payjsOrderId ? { ok: true, order } : otherOrder(order.payjs_order_id, "asked for");
}

export type RefundCall = { ok: true; raw: Record<string, unknown> } | { ok: false; error: UpstreamError };

/**
 * `POST ${apiBase}/refund`: PAYJS refunds the whole order, once, while the merchant's unsettled balance covers it.
 * Only an answer that is checked as a complaint answer is (and names this order) counts as done.
 */
export async function refundOrder(merchant: Merchant, payjsOrderId: string, options: ClientOptions): Promise<RefundCall> {
  const { result } = await callSigned("refund", orderFields(merchant, payjsOrderId), merchant.key, options);
  if (!result.ok) return result;
  const { sign: _sign, ...raw } = result.payload;
  const answered = fieldText(raw.payjs_order_id);
  return answered === payjsOrderId ? { ok: true, raw } : otherOrder(answered, "refunded");
}
