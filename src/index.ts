import type { WorkerEnv } from "./env";
import { createApp } from "./http/app";
import { tick } from "./poller/tick";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await tick(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<WorkerEnv>;
