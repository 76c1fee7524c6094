/**
 * The PAYJS sandbox behind a Node HTTP server, for `npm run dev` and process-level tests (wrangler dev,
 * browser, load). PAYJS calls go to `POST {url}/api/complaint`, `/api/check` and `/api/refund` (any path ending
 * in those); the control API lives under `/__sandbox/` (see {@link PayjsSandbox.control}).
 *
 * Run directly: `tsx sandbox/server.ts [--port 8788] [--host 127.0.0.1]` starts it with the fixture
 * complaints for both sandbox merchants and prints its URL and dev pairs.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { fixtureComplaints } from "./fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "./payjs-sandbox";

export interface SandboxServer {
  /** `http://host:port`, no trailing slash; PAYJS_API_BASE is `${url}/api`. */
  url: string;
  port: number;
  sandbox: PayjsSandbox;
  close(): Promise<void>;
}

export interface SandboxServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a sandbox with both dev merchants and their fixture complaints. */
  sandbox?: PayjsSandbox;
}

/** A sandbox with both dev merchants, each starting with its fixture complaints. */
export function defaultSandbox(now: number = Date.now()): PayjsSandbox {
  return new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2], {
    [SANDBOX_MERCHANT.mchid]: fixtureComplaints(SANDBOX_MERCHANT.mchid, now),
    [SANDBOX_MERCHANT_2.mchid]: fixtureComplaints(SANDBOX_MERCHANT_2.mchid, now),
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toRequest(req: IncomingMessage, body: Buffer, base: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD" && body.length > 0;
  return new Request(new URL(req.url ?? "/", base), { method, headers, body: hasBody ? body : undefined, signal });
}

async function send(res: ServerResponse, response: Response, method: string): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(method === "HEAD" ? undefined : body);
}

export async function startSandboxServer(opts: SandboxServerOptions = {}): Promise<SandboxServer> {
  const sandbox = opts.sandbox ?? defaultSandbox();
  const host = opts.host ?? "127.0.0.1";
  const inFlight = new Set<AbortController>();
  let base = `http://${host}`;

  const server = createServer((req, res) => {
    // Abort the Request's signal when the client goes away before its answer (a caller's fetch timing out),
    // so `timeout` mode ends exactly as a real server's work would be abandoned.
    const controller = new AbortController();
    inFlight.add(controller);
    res.on("close", () => {
      inFlight.delete(controller);
      if (!res.writableFinished) controller.abort(new Error("The client closed the connection"));
    });
    void (async () => {
      try {
        const request = toRequest(req, await readBody(req), base, controller.signal);
        const response = (await sandbox.control(request)) ?? (await sandbox.fetch(request));
        if (!res.destroyed) await send(res, response, request.method);
      } catch (error) {
        if (controller.signal.aborted || res.destroyed) return;
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end(`sandbox error: ${message}`);
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  base = `http://${urlHost}:${port}`;

  let closed: Promise<void> | null = null;
  return {
    url: base,
    port,
    sandbox,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        for (const c of inFlight) c.abort(new Error("The sandbox server is closing"));
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function argValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const port = Number(argValue(args, "--port") ?? "8788");
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be a port number");
  const server = await startSandboxServer({ port, host: argValue(args, "--host") ?? "127.0.0.1" });
  console.log(`PAYJS sandbox on ${server.url}`);
  console.log(`  PAYJS_API_BASE=${server.url}/api`);
  console.log(`  dev merchant:    PAYJS_MCHID=${SANDBOX_MERCHANT.mchid} PAYJS_KEY=${SANDBOX_MERCHANT.key}`);
  console.log(`  second merchant: mchid ${SANDBOX_MERCHANT_2.mchid}, key ${SANDBOX_MERCHANT_2.key}`);
  console.log(`  control: ${server.url}/__sandbox/{mode,shape,complaints/<mchid>,orders/mode,orders/<payjs_order_id>,reset,requests}`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
