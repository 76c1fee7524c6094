/**
 * `--domain NAME`'s check: `wrangler deploy --domains NAME` replaces the name's DNS records without asking, so
 * setup first asks DNS whether NAME has any A, AAAA or CNAME record, and refuses one that does unless
 * `--replace-dns` is given. `SETUP_DNS_SERVER` (`HOST:PORT`) points the lookup at another server: it is for tests,
 * which answer from a local one (test/support/dns-responder.ts).
 * @module
 * @see https://developers.cloudflare.com/workers/configuration/routing/custom-domains/
 */
import { Resolver } from "node:dns/promises";

/** Codes that mean "no such record" (NODATA) or "no such name" (NXDOMAIN): an answer, not a failure. */
const NO_RECORD = new Set(["ENODATA", "ENOTFOUND"]);

/** Why the lookup itself failed (no network, a server that refuses): `code` is the resolver's, e.g. ECONNREFUSED. */
export class DnsLookupError extends Error {
  constructor(readonly code: string) {
    super(`DNS lookup failed (${code})`);
    this.name = "DnsLookupError";
  }
}

async function orNone<T>(lookup: Promise<T[]>): Promise<T[]> {
  try {
    return await lookup;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown";
    if (NO_RECORD.has(code)) return [];
    throw new DnsLookupError(code);
  }
}

/**
 * NAME's A, AAAA and CNAME records, as `A 192.0.2.1`, `AAAA 2001:db8::1`, `CNAME shop.example.net`; none: [].
 * @param server `HOST:PORT` of the server to ask, or undefined for the system's.
 * @throws DnsLookupError when the lookup itself fails.
 */
export async function dnsRecords(name: string, server?: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (server !== undefined && server.trim() !== "") resolver.setServers([server.trim()]);
  const [cname, a, aaaa] = await Promise.all([
    orNone(resolver.resolveCname(name)),
    orNone(resolver.resolve4(name)),
    orNone(resolver.resolve6(name)),
  ]);
  return [...cname.map((r) => `CNAME ${r}`), ...a.map((r) => `A ${r}`), ...aaaa.map((r) => `AAAA ${r}`)];
}
