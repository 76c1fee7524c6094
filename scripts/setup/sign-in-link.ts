/**
 * A sign-in link for a first admin device, asked of the Worker just deployed (`POST /api/devices` with the admin
 * token), so the merchant's phone can sign in by scanning a code instead of typing a token. Best effort: the
 * deploy has succeeded whatever happens here, and `*.workers.dev` is often unreachable from mainland China, so a
 * failure is a {@link SignInLinkError} for setup to word, never a reason to fail.
 * @module
 */

/** The Worker's 201 answer (CONTRACT: Devices): `url` is `${PUBLIC_URL}/#signin=<code>`, one use, 10 minutes. */
export interface SignInLink {
  url: string;
  /** ISO time. */
  expiresAt: string;
}

export type SignInLinkFailure = "timeout" | "network" | "http" | "bad_answer";

/** Why no link came; `detail` is the HTTP status or the system's network code (never the answer's body). */
export class SignInLinkError extends Error {
  override readonly name = "SignInLinkError";
  constructor(
    readonly code: SignInLinkFailure,
    readonly detail: string | null = null,
  ) {
    super(`no sign-in link (${code}${detail === null ? "" : ` ${detail}`})`);
  }
}

/** Long enough for a Worker on the other side of the world, short enough that a blocked address is not a hang. */
const LINK_TIMEOUT_MS = 5_000;

function linkOf(body: unknown): SignInLink | null {
  const { url, expires_at: expiresAt } = (body ?? {}) as { url?: unknown; expires_at?: unknown };
  if (typeof url !== "string" || typeof expiresAt !== "string" || !/^https?:\/\/\S+#signin=\S+$/.test(url)) return null;
  return { url, expiresAt };
}

/**
 * Asks `base` (the Worker's address, no trailing slash) for a new device named `name` with the admin role.
 * @throws SignInLinkError when the Worker does not answer 201 with a link within `timeoutMs`.
 */
export async function createSignInLink(base: string, adminToken: string, name: string, timeoutMs = LINK_TIMEOUT_MS): Promise<SignInLink> {
  let response: Response;
  try {
    response = await fetch(`${base}/api/devices`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name, role: "admin" }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    if ((error as Error | null)?.name === "TimeoutError") throw new SignInLinkError("timeout", String(timeoutMs));
    // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is the cause's code.
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    throw new SignInLinkError("network", typeof cause === "string" ? cause : null);
  }
  if (response.status !== 201) {
    await response.body?.cancel();
    throw new SignInLinkError("http", String(response.status));
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if ((error as Error | null)?.name === "TimeoutError") throw new SignInLinkError("timeout", String(timeoutMs));
    throw new SignInLinkError("bad_answer");
  }
  const link = linkOf(body);
  if (link === null) throw new SignInLinkError("bad_answer");
  return link;
}
