import { defineConfig } from "vitest/config";

/** `npm run test:load`: the load run against a real `wrangler dev`, in Node, apart from `npm test`. */
export default defineConfig({
  test: {
    name: "load",
    environment: "node",
    include: ["test/load/**/*.load.test.ts"],
    hookTimeout: 120_000,
  },
});
