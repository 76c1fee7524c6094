/**
 * Checking a complaint's order at PAYJS (`/check`), each check kept 10 minutes per order
 * (`order:{mchid}:{payjs_order_id}`): PAYJS warns that frequent checks can get the caller's address blocked, and a
 * person opening the same complaint twice needs no second call. Requests in one isolate that arrive while a check is
 * under way share it, so they make one call and one write.
 * @module
 */
import type { Complaint } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import type { PayjsOrder } from "../domain/payjs-order";
import { isString, type Shape } from "../domain/shape";
import { MINUTE_MS } from "../domain/time";
import { logEvent } from "../log";
import type { ClientOptions } from "../payjs/client";
import { checkOrder } from "../payjs/order";
import { orderKey, type Store } from "../store";
import { noOrder, upstreamFailure } from "./errors";

/** How long a check answers for the order: PAYJS's order state changes only with a payment or a refund. */
const ORDER_CHECK_MS = 10 * MINUTE_MS;

interface CheckedOrder {
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

const inFlight = new Map<string, Promise<CheckedOrder>>();

/** One call of PAYJS's `/check` for the complaint's order, logged; kept when it is an order. */
async function checkNow(
  store: Store,
  upstream: ClientOptions,
  merchant: Merchant,
  complaint: Complaint,
  now: number,
): Promise<CheckedOrder> {
  const result = await checkOrder(merchant, complaint.order_id, upstream);
  logEvent("order_check", {
    mchid: complaint.mchid,
    complaint: complaint.id,
    order: complaint.order_id,
    outcome: result.ok ? "ok" : "error",
    ...(result.ok ? { status: result.order.status } : { error: result.error.code, message: result.error.message }),
  });
  if (!result.ok) throw upstreamFailure(result.error);
  const checked = { order: result.order, checked_at: new Date(now).toISOString() };
  await store.save(orderKey(complaint.mchid, complaint.order_id), CHECKED_ORDER, checked, now, false, ORDER_CHECK_MS / 1000 + 60);
  return checked;
}

/**
 * The complaint's order: its last check when that is younger than {@link ORDER_CHECK_MS}, else a new one.
 * @throws ActionError `no_order`, or PAYJS's failure (`upstream_refused`, `upstream_unavailable`, `upstream_invalid`).
 */
export async function checkComplaintOrder(
  store: Store,
  upstream: ClientOptions,
  merchant: Merchant,
  complaint: Complaint,
  now: number,
): Promise<CheckedOrder> {
  const missing = noOrder(complaint);
  if (missing !== null) throw missing;
  const key = orderKey(complaint.mchid, complaint.order_id);
  const running = inFlight.get(key);
  if (running !== undefined) return running;
  const work = (async (): Promise<CheckedOrder> => {
    const stored = await store.load(key, CHECKED_ORDER);
    if (stored.kind === "ok" && now - Date.parse(stored.value.checked_at) < ORDER_CHECK_MS) return stored.value;
    return checkNow(store, upstream, merchant, complaint, now);
  })();
  inFlight.set(key, work);
  try {
    return await work;
  } finally {
    inFlight.delete(key);
  }
}
