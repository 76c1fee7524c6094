import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * Two projects: `workers` runs inside workerd with real local KV (the Worker's own code);
 * `node` runs tests that start processes (wrangler dev, the sandbox, Chromium) or compare against `node:crypto`.
 * Every run first builds the dashboard (scripts/build-dashboard.mjs): wrangler.toml's `[assets]` directory must
 * exist before the Workers pool starts, and the browser tests load what it holds.
 */
export default defineConfig({
  test: {
    // The Worker logs one JSON line per poll; show them only for failing tests.
    silent: "passed-only",
    globalSetup: ["./scripts/build-dashboard.mjs"],
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: {
          name: "workers",
          // Every Worker under test gets KV held to production's rules; a refused write fails the test.
          setupFiles: ["test/support/setup.ts"],
          include: ["src/**/*.test.ts", "test/**/*.test.ts", "sandbox/**/*.test.ts"],
          exclude: ["**/*.node.test.ts", "**/*.load.test.ts", "node_modules/**"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["src/**/*.node.test.ts", "test/**/*.node.test.ts", "sandbox/**/*.node.test.ts", "dashboard/**/*.node.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
