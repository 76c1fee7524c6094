/**
 * The dashboard script is a string (no build step): check that it is valid JavaScript, strict, and that it
 * touches nothing but its own closure at load time. (Its behaviour is tested in real Chromium by
 * test/dashboard.node.test.ts.)
 */
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import { CLIENT_JS } from "./client";

describe("the dashboard script", () => {
  it("Should parse as a script", () => {
    expect(() => new Script(CLIENT_JS, { filename: "dashboard.js" })).not.toThrow();
  });

  it("Should be one strict IIFE with no template literals (it lives inside one)", () => {
    expect(CLIENT_JS.startsWith("(() => {\n\"use strict\";")).toBe(true);
    expect(CLIENT_JS.trimEnd().endsWith("})();")).toBe(true);
    expect(CLIENT_JS).not.toContain("`");
  });
});
