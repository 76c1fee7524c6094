import { createApp } from "./http/app";
import type { WorkerEnv } from "./env";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, _env, _ctx) {},
} satisfies ExportedHandler<WorkerEnv>;
