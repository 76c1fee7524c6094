/**
 * Checked orders, kept 10 minutes per order (`order:{mchid}:{payjs_order_id}`): PAYJS warns that frequent checks can
 * get the caller's address blocked, and a person opening the same complaint twice needs no second call. Requests
 * in one isolate that arrive while a check is under way share it, so they make one call and one write.
 * @module
 */
import type { Shape } from "../domain/shape";
import { isString } from "../domain/shape";
import { MINUTE_MS } from "../domain/time";
import type { UpstreamError } from "../payjs/client";
import type { OrderCheck, PayjsOrder } from "../payjs/order";
import { orderKey, type Store } from "../store";

/** How long a check answers for the order: PAYJS's order state changes only with a payment or a refund. */
export const ORDER_CHECK_MS = 10 * MINUTE_MS;

export interface CheckedOrder {
  order: PayjsOrder;
  checked_at: string;
}

const CHECKED_ORDER: Shape<CheckedOrder> = {
  what: "checked order",
  read(record) {
    const { order, checked_at } = record;
    if (!isString(checked_at) || typeof order !== "object" || order === null || Array.isArray(order)) return null;
    const o = order as Record<string, unknown>;
    if (!isString(o.payjs_order_id) || typeof o.raw !== "object" || o.raw === null) return null;
    return { order: order as PayjsOrder, checked_at };
  },
  write: (value) => ({ order: value.order, checked_at: value.checked_at }),
};

export type OrderAnswer = { ok: true; checked: CheckedOrder } | { ok: false; error: UpstreamError };

const inFlight = new Map<string, Promise<OrderAnswer>>();

/** The order's last check when it is younger than {@link ORDER_CHECK_MS}, else `check()`'s answer, kept when it is an order. */
export async function checkedOrder(
  store: Store,
  mchid: string,
  payjsOrderId: string,
  now: number,
  check: () => Promise<OrderCheck>,
): Promise<OrderAnswer> {
  const key = orderKey(mchid, payjsOrderId);
  const running = inFlight.get(key);
  if (running !== undefined) return running;
  const work = (async (): Promise<OrderAnswer> => {
    const stored = await store.load(key, CHECKED_ORDER);
    if (stored.kind === "ok" && now - Date.parse(stored.value.checked_at) < ORDER_CHECK_MS) return { ok: true, checked: stored.value };
    const result = await check();
    if (!result.ok) return result;
    const checked = { order: result.order, checked_at: new Date(now).toISOString() };
    await store.save(key, CHECKED_ORDER, checked, now, false, ORDER_CHECK_MS / 1000 + 60);
    return { ok: true, checked };
  })();
  inFlight.set(key, work);
  try {
    return await work;
  } finally {
    inFlight.delete(key);
  }
}
