/**
 * The doctor's check: one call per merchant to PAYJS with the Worker's own client, judged exactly as the Worker
 * would judge the answer. `npm run doctor` reports it; `npm run setup` deploys only when every answer passes.
 * @module
 */
import type { Config } from "../../src/config";
import { callComplaints } from "../../src/payjs/client";
import type { Messages } from "../i18n";
import type { Header } from "./render";
import { type LoadedSettings, merchantSettings } from "./settings";
import { type Judged, judge } from "./verdict";

/** Calls PAYJS once per merchant of `config` (validated from `settings`), all at once; stores nothing. */
export async function checkMerchants(config: Config, settings: LoadedSettings, m: Messages): Promise<Judged[]> {
  const secretNames = [
    ...(settings.values.PAYJS_MCHID !== undefined ? ["PAYJS_MCHID", "PAYJS_KEY"] : []),
    ...(settings.values.PAYJS_MERCHANTS !== undefined ? ["PAYJS_MERCHANTS"] : []),
  ];
  return Promise.all(
    config.merchants.map(async (merchant) => {
      const answer = await callComplaints(merchant, config.upstream);
      return judge(merchant, answer, {
        policy: config.upstream.signaturePolicy,
        apiBase: config.upstream.apiBase,
        timeoutMs: config.upstream.timeoutMs,
        settings: merchantSettings(settings, merchant.mchid, m),
        secretNames,
        m,
      });
    }),
  );
}

/** The settings line atop the human report. */
export function reportHeader(config: Config, settings: LoadedSettings): Header {
  return { apiBase: config.upstream.apiBase, policy: config.upstream.signaturePolicy, timeoutMs: config.upstream.timeoutMs, settings };
}
