/**
 * The secret view keys are signed with (domain/view-key.ts), kept in KV under `view-secret`: made by the first tick
 * that sends a link, replaced by `POST /api/view-keys/rotate` (every key made before stops working). Checking a key,
 * the isolate keeps it for {@link SECRET_CACHE_MS}: a rotation is seen at once where it was made and within about a
 * minute everywhere.
 * @module
 */
import { fromBase64Url, randomBytes, toBase64Url } from "../bytes";
import { isString, type Shape } from "../domain/shape";
import { type Store, VIEW_SECRET_KEY } from "../store";

const SECRET_CACHE_MS = 30_000;

interface ViewSecret {
  secret: string;
  since: string;
}

const VIEW_SECRET: Shape<ViewSecret> = {
  what: "view key secret",
  read: ({ secret, since }) => (isString(secret) && fromBase64Url(secret)?.length === 32 && isString(since) ? { secret, since } : null),
  write: ({ secret, since }) => ({ secret, since }),
};

const cached = new WeakMap<object, { secret: Uint8Array | null; until: number }>();

async function save(store: Store, now: number): Promise<Uint8Array> {
  const secret = randomBytes(32);
  await store.save(VIEW_SECRET_KEY, VIEW_SECRET, { secret: toBase64Url(secret), since: new Date(now).toISOString() }, now);
  cached.set(store.identity, { secret, until: now + SECRET_CACHE_MS });
  return secret;
}

/**
 * The secret, or null when there is none yet and `make` is false (no key was ever made, so none can be good). An
 * unreadable value is replaced only when `make` (the keys it signed cannot be checked anyway).
 */
export async function viewSecret(store: Store, now: number, make: boolean): Promise<Uint8Array | null> {
  const hit = cached.get(store.identity);
  if (!make && hit !== undefined && hit.until > now) return hit.secret;
  // A tick that sends reads KV as it is now (one read): the edge may not have seen a secret another isolate just made.
  const stored = make ? await store.load(VIEW_SECRET_KEY, VIEW_SECRET) : await store.loadRecent(VIEW_SECRET_KEY, VIEW_SECRET);
  if (stored.kind === "ok") {
    const secret = fromBase64Url(stored.value.secret);
    cached.set(store.identity, { secret, until: now + SECRET_CACHE_MS });
    return secret;
  }
  if (make) return save(store, now);
  cached.set(store.identity, { secret: null, until: now + SECRET_CACHE_MS });
  return null;
}

/** A new secret: every view key made before stops working. */
export async function rotateViewSecret(store: Store, now: number): Promise<string> {
  await save(store, now);
  return new Date(now).toISOString();
}
