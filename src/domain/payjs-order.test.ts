import { describe, expect, it } from "vitest";
import { parseJson } from "../json";
import { orderOf } from "./payjs-order";

describe("orderOf: a checked /check answer", () => {
  it("Should name the order's state, amount and Beijing paid time, keep raw without its sign, every digit kept", () => {
    const payload = parseJson(
      '{"return_code":1,"mchid":"1500000001","out_trade_no":"T1","payjs_order_id":12345678901234567890123,' +
        '"transaction_id":"4200000001","status":1,"openid":"o-x","total_fee":2990,"paid_time":"2026-11-27 09:25:00","attach":"","sign":"ABC"}',
    ) as Record<string, unknown>;
    const order = orderOf(payload);
    expect(order).toMatchObject({
      payjs_order_id: "12345678901234567890123",
      out_trade_no: "T1",
      transaction_id: "4200000001",
      status: "paid",
      total_fee: 2990,
      paid_time: "2026-11-27T09:25:00+08:00",
    });
    expect(order.raw).not.toHaveProperty("sign");
    expect(JSON.stringify(order.raw)).toContain('"payjs_order_id":12345678901234567890123');
  });

  it("Should say unpaid for status 0, null for anything else, and keep a paid time that is no time as text", () => {
    expect(orderOf({ status: 0, payjs_order_id: "1" }).status).toBe("unpaid");
    expect(orderOf({ status: "0", payjs_order_id: "1" }).status).toBe("unpaid");
    expect(orderOf({ status: 2, payjs_order_id: "1", paid_time: "soon" })).toMatchObject({ status: null, paid_time: "soon" });
    expect(orderOf({ payjs_order_id: "1" })).toMatchObject({ paid_time: null, total_fee: null });
  });
});
