/**
 * Runs around every test inside workerd: a write that production KV would have refused fails the test,
 * even when the Worker caught the error and carried on.
 */
import { afterEach, expect } from "vitest";
import { kv } from "./worker";

afterEach(() => {
  const refused = kv.violations.splice(0);
  expect(refused, "KV writes production would refuse").toEqual([]);
});
