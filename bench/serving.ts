/**
 * Serving under load: the real Worker under `wrangler dev` (workerd), its KV filled by a real cron poll of
 * the PAYJS sandbox, loaded with autocannon in alternating rounds so the noisy machine hits every route
 * alike. Each route's requests/s is divided by `/healthz`'s in the same round. The goals: the list of 100 (without
 * `raw`, as it is served by default) at least 0.9× `/healthz`, and the active complaints soonest due first (what the
 * dashboard asks for) at least 0.85×, with no error.
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import autocannon from "autocannon";
import { generateComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { startSandboxServer } from "../sandbox/server";
import { startWranglerDev } from "../test/support/wrangler-dev";
import { type BenchTable, checkRatio, median } from "./stats";

const COMPLAINTS = 1200;
const ROUNDS = 5;
const ROUND_SECONDS = 3;
const CONNECTIONS = 8;
const TOKEN = "bench-read-token";
const GOAL = 0.9;
const DUE_GOAL = 0.85;
const LIST = "GET /api/complaints?limit=100";
const ACTIVE_DUE = "GET /api/complaints?active=true&sort=due&limit=100";

interface Route {
  name: string;
  path: string;
  headers: Record<string, string>;
  /** The status every answer must have. */
  status: number;
  /** Requests/s at least this share of /healthz's; null: reported only. */
  goal: number | null;
}

interface Round {
  rps: number;
  p99: number;
  p50: number;
  /** Transport errors, timeouts and answers with another status. */
  errors: number;
}

async function load(base: string, route: Route): Promise<Round> {
  const result = await autocannon({
    url: `${base}${route.path}`,
    connections: CONNECTIONS,
    duration: ROUND_SECONDS,
    headers: route.headers,
  });
  const stats: Record<string, { count?: number }> = result.statusCodeStats ?? {};
  const good = stats[String(route.status)]?.count ?? 0;
  const answered = Object.values(stats).reduce((n, s) => n + (s.count ?? 0), 0);
  return {
    rps: good / result.duration,
    p99: result.latency.p99,
    p50: result.latency.p50,
    errors: result.errors + result.timeouts + (answered - good),
  };
}

/** @param rounds interleaved rounds (more for a steadier median on a busy machine). */
export async function benchServing({ rounds: roundCount = ROUNDS }: { rounds?: number } = {}): Promise<BenchTable> {
  const mchid = SANDBOX_MERCHANT.mchid;
  const sandboxServer = await startSandboxServer({
    sandbox: new PayjsSandbox([SANDBOX_MERCHANT], { [mchid]: generateComplaints(mchid, COMPLAINTS, Date.now()) }),
  });
  let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
  try {
    worker = await startWranglerDev({
      vars: {
        PAYJS_API_BASE: `${sandboxServer.url}/api`,
        PAYJS_MCHID: mchid,
        PAYJS_KEY: SANDBOX_MERCHANT.key,
        API_TOKENS: TOKEN,
        ADMIN_TOKEN: "bench-admin-token",
      },
    });
    const cron = await fetch(`${worker.url}/__scheduled?cron=*/30+*+*+*+*`);
    if (cron.status !== 200) throw new Error(`/__scheduled answered ${cron.status}`);
    const auth = { authorization: `Bearer ${TOKEN}` };
    // With the poll queue (wrangler.toml) the tick only enqueues, and the poll runs a moment later.
    const waitUntil = Date.now() + 75_000;
    let first: Response;
    let page: { total: number; count: number; complaints: object[] };
    for (;;) {
      first = await fetch(`${worker.url}/api/complaints?limit=100`, { headers: auth });
      page = (await first.json()) as typeof page;
      if (page.total === COMPLAINTS && page.count === 100) break;
      if (Date.now() > waitUntil) {
        throw new Error(`after the cron the list holds ${page.total} (expected ${COMPLAINTS}):\n${worker.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const full = await fetch(`${worker.url}/api/complaints?limit=100&include=raw`, { headers: auth });
    const fullPage = (await full.json()) as { complaints: object[] };
    if (page.complaints.some((c) => "raw" in c) || !fullPage.complaints.every((c) => "raw" in c)) {
      throw new Error("the list should leave raw out, and give it with include=raw");
    }
    const etag = first.headers.get("etag");
    if (etag === null) throw new Error("the list has no ETag");
    const csv = await fetch(`${worker.url}/api/complaints.csv`, { headers: auth });
    const csvBytes = (await csv.arrayBuffer()).byteLength;

    const routes: Route[] = [
      { name: "GET /healthz", path: "/healthz", headers: {}, status: 200, goal: null },
      { name: LIST, path: "/api/complaints?limit=100", headers: auth, status: 200, goal: GOAL },
      { name: ACTIVE_DUE, path: "/api/complaints?active=true&sort=due&limit=100", headers: auth, status: 200, goal: DUE_GOAL },
      {
        name: "  same, If-None-Match → 304",
        path: "/api/complaints?limit=100",
        headers: { ...auth, "if-none-match": etag },
        status: 304,
        goal: GOAL,
      },
      {
        name: "  with raw: &include=raw",
        path: "/api/complaints?limit=100&include=raw",
        headers: auth,
        status: 200,
        goal: null,
      },
      { name: `GET /api/complaints.csv (all ${COMPLAINTS})`, path: "/api/complaints.csv", headers: auth, status: 200, goal: null },
      { name: "  control: ?limit=10", path: "/api/complaints?limit=10", headers: auth, status: 200, goal: null },
    ];
    const listBytes = (await (await fetch(`${worker.url}/api/complaints?limit=100`, { headers: auth })).arrayBuffer()).byteLength;
    const fullBytes = (await (await fetch(`${worker.url}/api/complaints?limit=100&include=raw`, { headers: auth })).arrayBuffer())
      .byteLength;
    const smallBytes = (await (await fetch(`${worker.url}/api/complaints?limit=10`, { headers: auth })).arrayBuffer()).byteLength;

    // One short untimed pass, so every route is compiled and the snapshot is in the isolate.
    for (const route of routes)
      await autocannon({ url: `${worker.url}${route.path}`, connections: 2, duration: 1, headers: route.headers });

    const rounds: Array<Record<string, Round>> = [];
    for (let r = 0; r < roundCount; r++) {
      const round: Record<string, Round> = {};
      for (let k = 0; k < routes.length; k++) {
        const route = routes[(k + r) % routes.length]!;
        round[route.name] = await load(worker.url, route);
      }
      rounds.push(round);
    }

    let ok = true;
    const ratioOf = (name: string): number => median(rounds.map((round) => round[name]!.rps / round[routes[0]!.name]!.rps));
    const rows = routes.map((route) => {
      const of = (name: string) => rounds.map((round) => round[name]!);
      const mine = of(route.name);
      const rps = median(mine.map((x) => x.rps));
      const ratio = ratioOf(route.name);
      const errors = mine.reduce((n, x) => n + x.errors, 0);
      const p99 = Math.max(...mine.map((x) => x.p99));
      const p50 = median(mine.map((x) => x.p50));
      const ratioOk = route.goal === null || ratio >= route.goal;
      ok &&= ratioOk && errors === 0;
      const goalText = route.goal === null ? "(reported)" : `≥ ${route.goal.toFixed(2)}× ${ratioOk ? "PASS" : "BELOW"}`;
      return [
        route.name,
        rps.toFixed(0),
        route === routes[0] ? "1.00×" : `${ratio.toFixed(2)}×`,
        route === routes[0] ? "" : goalText,
        String(errors),
        errors === 0 ? "0 PASS" : "0 BELOW",
        `${p50.toFixed(0)} ms`,
        `${p99.toFixed(0)} ms`,
      ];
    });
    const listErrors = rounds.reduce((n, round) => n + round[LIST]!.errors, 0);
    const verdict = checkRatio(ratioOf(LIST), GOAL);
    const dueVerdict = checkRatio(ratioOf(ACTIVE_DUE), DUE_GOAL);
    const wranglerPackage = createRequire(import.meta.url).resolve("wrangler/package.json");
    const wranglerVersion = (JSON.parse(readFileSync(wranglerPackage, "utf8")) as { version: string }).version;
    return {
      title: `Serving — wrangler dev ${wranglerVersion} (workerd), ${COMPLAINTS} complaints from a real cron poll; autocannon, ${CONNECTIONS} connections, ${roundCount} interleaved rounds × ${ROUND_SECONDS} s per route`,
      columns: ["route", "req/s", "÷ /healthz", "goal", "errors", "goal", "p50", "p99 (worst round)"],
      rows,
      notes: [
        `The list of 100 ÷ /healthz: ${verdict.text}, ${listErrors} errors (goal 0).`,
        `The active complaints soonest due first ÷ /healthz: ${dueVerdict.text}.`,
        "",
        "req/s and p50 are medians over the rounds; the ratio is the median of per-round ratios (each route vs /healthz in the",
        "  same round). An error is a transport error, a timeout, or any other status than expected.",
        `Bodies: /healthz 11 B, ?limit=100 ${(listBytes / 1024).toFixed(0)} KiB (each complaint without raw; with &include=raw ${(fullBytes / 1024).toFixed(0)} KiB),`,
        `  ?limit=10 ${(smallBytes / 1024).toFixed(0)} KiB (the control: the same route and work, a tenth of the body), CSV ${(csvBytes / 1024).toFixed(0)} KiB.`,
        "  The Worker's own CPU per request is in the CPU table below.",
        "autocannon, wrangler's proxy and workerd share this machine's 2 cores: absolute figures are the machine's.",
      ],
      ok,
    };
  } finally {
    await worker?.stop();
    await sandboxServer.close();
  }
}
