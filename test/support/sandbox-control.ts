/**
 * The control API of the PAYJS sandbox run as a server (`/__sandbox/{path}`: sandbox/server.ts), for the process
 * tests that drive it over HTTP.
 */
import type { SandboxServer } from "../../sandbox/server";

/** `/__sandbox/{path}`: a GET without `body`, a POST of it as JSON with one. Its JSON answer; throws on an error status. */
export async function sandboxControl(server: SandboxServer, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}/__sandbox/${path}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  if (!response.ok) throw new Error(`sandbox control ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** How many PAYJS calls the sandbox has answered since it was last reset. */
export async function payjsCalls(server: SandboxServer): Promise<number> {
  return ((await sandboxControl(server, "requests")) as { requests: unknown[] }).requests.length;
}
