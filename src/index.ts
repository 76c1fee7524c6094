import type { WorkerEnv } from "./env";
import { createApp } from "./http/app";
import { consumePolls } from "./poller/fan-out";
import { tick } from "./poller/tick";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await tick(env, controller.scheduledTime);
  },
  async queue(batch, env) {
    await consumePolls(batch, env);
  },
} satisfies ExportedHandler<WorkerEnv>;
