/**
 * Devices in KV: making a sign-in code, claiming it for a token, listing, revoking, and finding what a device's token
 * may do. Each device, token and code is a key of its own (store.ts), so no two of these changes ever rewrite one
 * value (KV has no compare-and-set: a revocation must not be undone by a concurrent write of something else). Only
 * SHA-256 hashes of codes and tokens are kept; the code and the token are given out once.
 *
 * A token's grant is kept in the isolate for {@link GRANT_CACHE_MS} and read with KV's shortest edge cache (30 s): a
 * revoked token is refused at once by the isolate that revoked it and everywhere within about a minute (2 minutes
 * promised, KV's propagation included).
 * @module
 */

import { ActionError } from "../actions/errors";
import { randomBytes, toBase64Url, toHex } from "../bytes";
import { equalsConstantTime } from "../constant-time";
import {
  CODE_BYTES,
  CODE_TTL_MS,
  DEVICE,
  DEVICE_CODE,
  DEVICE_GRANT,
  DEVICE_SEEN,
  type Device,
  type DeviceGrant,
  type DeviceRole,
  deviceOfToken,
  ID_BYTES,
  type ListedDevice,
  listed,
  MAX_DEVICES,
  TOKEN_BYTES,
} from "../domain/device";
import { beijingDay } from "../domain/time";
import { sha256 } from "../sha256";
import {
  DEVICE_PREFIX,
  deviceCodeKey,
  deviceKey,
  deviceSeenKey,
  deviceTokenKey,
  deviceTokensPrefix,
  REWRITE_AFTER_MS,
  type Store,
} from "../store";

const GRANT_CACHE_MS = 30_000;
/** How long this isolate refuses a token it revoked, whatever a lagging edge copy still says. */
const REVOKED_HOLD_MS = 5 * 60_000;
/** A device not seen for this long forgets its last day (the key expires; the device stays). */
const SEEN_TTL_S = 400 * 86_400;
const CACHE_LIMIT = 1_000;

const hashOf = (secret: string): string => toHex(sha256(secret));

interface IsolateMemory {
  grants: Map<string, { grant: DeviceGrant | null; until: number }>;
  revoked: Map<string, number>;
  seen: Map<string, string>;
}

const memories = new WeakMap<object, IsolateMemory>();

function memoryOf(identity: object): IsolateMemory {
  let memory = memories.get(identity);
  if (memory === undefined) {
    memory = { grants: new Map(), revoked: new Map(), seen: new Map() };
    memories.set(identity, memory);
  }
  return memory;
}

/** Makes a device waiting for its code to be claimed; gives the device and the code (shown once, never stored). */
export async function createDevice(store: Store, name: string, role: DeviceRole, now: number): Promise<{ device: Device; code: string }> {
  const { keys } = await store.list(DEVICE_PREFIX, null);
  if (keys.length >= MAX_DEVICES) {
    throw new ActionError("too_many_devices", `There are ${keys.length} devices already (at most ${MAX_DEVICES}): revoke one first`);
  }
  const code = toBase64Url(randomBytes(CODE_BYTES));
  const device: Device = {
    id: toBase64Url(randomBytes(ID_BYTES)),
    name,
    role,
    created_at: new Date(now).toISOString(),
    token_hash: null,
    code_hash: hashOf(code),
    code_expires_at: new Date(now + CODE_TTL_MS).toISOString(),
  };
  const ttl = CODE_TTL_MS / 1000;
  // The device first: a code is never there without the device it names. An unclaimed device goes with its code.
  await store.save(deviceKey(device.id), DEVICE, device, now, false, ttl + 60);
  await store.save(deviceCodeKey(device.code_hash as string), DEVICE_CODE, { id: device.id }, now, false, ttl);
  return { device, code };
}

/**
 * Claims a sign-in code: the code stops working, the device gets its token (given once). Null for a code that is not
 * (or no longer) good, whatever the reason. KV has no compare-and-set: after writing, the claim reads its device back,
 * and a claim whose device was cancelled, or claimed by another at the same moment, takes its token back and fails.
 * Two claims reading each other's writes late may both succeed; revoking the device ends both tokens.
 */
export async function claimDevice(store: Store, code: string, now: number): Promise<{ token: string; device: Device } | null> {
  const codeKey = deviceCodeKey(hashOf(code));
  const pointer = await store.load(codeKey, DEVICE_CODE);
  if (pointer.kind !== "ok") return null;
  const stored = await store.load(deviceKey(pointer.value.id), DEVICE);
  if (stored.kind !== "ok") return null;
  const before = stored.value;
  if (
    before.code_hash === null ||
    !equalsConstantTime(before.code_hash, hashOf(code)) ||
    before.code_expires_at === null ||
    Date.parse(before.code_expires_at) <= now
  )
    return null;
  await store.delete(codeKey);
  const token = `${before.id}.${toBase64Url(randomBytes(TOKEN_BYTES))}`;
  const device: Device = { ...before, token_hash: hashOf(token), code_hash: null, code_expires_at: null };
  await store.save(deviceKey(device.id), DEVICE, device, now);
  const ours = async () => {
    const after = await store.load(deviceKey(device.id), DEVICE);
    return after.kind === "ok" && after.value.token_hash === device.token_hash;
  };
  if (!(await ours())) return null;
  const tokenKey = deviceTokenKey(device.id, device.token_hash as string);
  await store.save(tokenKey, DEVICE_GRANT, device, now);
  // Cancelled while the token was written: the token goes again (after a second: KV takes one write per key per second).
  if (!(await ours())) {
    await new Promise((resolve) => setTimeout(resolve, REWRITE_AFTER_MS));
    await store.delete(tokenKey);
    return null;
  }
  return { token, device };
}

/** Every device, newest first, with the day each was last seen. */
export async function listDevices(store: Store, now: number): Promise<ListedDevice[]> {
  const { keys } = await store.list(DEVICE_PREFIX, null);
  const devices = await Promise.all(
    keys.map(async (key) => {
      const stored = await store.load(key, DEVICE);
      if (stored.kind !== "ok") return null;
      const seen = await store.load(deviceSeenKey(stored.value.id), DEVICE_SEEN);
      return listed(stored.value, seen.kind === "ok" ? seen.value.on : null, now);
    }),
  );
  return devices.filter((d) => d !== null).sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** Revokes every token of a device (whatever its record says), or cancels its code. False when there is no such device. */
export async function revokeDevice(store: Store, id: string, now: number): Promise<boolean> {
  const stored = await store.load(deviceKey(id), DEVICE);
  if (stored.kind === "absent") return false;
  await revokeTokens(store, deviceTokensPrefix(id), now);
  if (stored.kind === "ok" && stored.value.code_hash !== null) await store.delete(deviceCodeKey(stored.value.code_hash));
  await store.delete(deviceSeenKey(id));
  await store.delete(deviceKey(id));
  return true;
}

/** Revokes every device and cancels every code, including any token or code left without its device. Gives how many devices. */
export async function revokeAllDevices(store: Store, now: number): Promise<number> {
  const [devices, codes] = await Promise.all([store.list(DEVICE_PREFIX, null), store.list(deviceCodeKey(""), null)]);
  await revokeTokens(store, deviceTokensPrefix(null), now);
  for (const key of codes.keys) await store.delete(key);
  for (const key of devices.keys) {
    await store.delete(deviceSeenKey(key.slice(DEVICE_PREFIX.length)));
    await store.delete(key);
  }
  return devices.keys.length;
}

/** Deletes every token key under `prefix`; this isolate refuses them at once, whatever a lagging edge copy says. */
async function revokeTokens(store: Store, prefix: string, now: number): Promise<void> {
  const memory = memoryOf(store.identity);
  let cursor: string | null = null;
  do {
    const page = await store.list(prefix, cursor);
    for (const key of page.keys) {
      const hash = key.slice(key.lastIndexOf(":") + 1);
      memory.revoked.set(hash, now + REVOKED_HOLD_MS);
      memory.grants.delete(hash);
      await store.delete(key);
    }
    cursor = page.cursor;
  } while (cursor !== null);
}

/** What a device's token may do, or null when it is no device's (or was revoked). */
export async function grantOf(store: Store, token: string, now: number): Promise<DeviceGrant | null> {
  const id = deviceOfToken(token);
  if (id === null) return null;
  const memory = memoryOf(store.identity);
  const hash = hashOf(token);
  const revokedUntil = memory.revoked.get(hash);
  if (revokedUntil !== undefined) {
    if (revokedUntil > now) return null;
    memory.revoked.delete(hash);
  }
  const cached = memory.grants.get(hash);
  if (cached !== undefined && cached.until > now) return cached.grant;
  const stored = await store.loadRecent(deviceTokenKey(id, hash), DEVICE_GRANT);
  const grant = stored.kind === "ok" && stored.value.id === id ? stored.value : null;
  if (memory.grants.size >= CACHE_LIMIT) memory.grants.clear();
  memory.grants.set(hash, { grant, until: now + GRANT_CACHE_MS });
  return grant;
}

/** Notes that device `id` was seen today (Beijing): at most one write a day, none when KV already has today. */
export async function noteSeen(store: Store, id: string, now: number): Promise<void> {
  const memory = memoryOf(store.identity);
  const today = beijingDay(now);
  if (memory.seen.get(id) === today) return;
  if (memory.seen.size >= CACHE_LIMIT) memory.seen.clear();
  memory.seen.set(id, today);
  const seen = await store.loadRecent(deviceSeenKey(id), DEVICE_SEEN);
  if (seen.kind === "ok" && seen.value.on === today) return;
  await store.save(deviceSeenKey(id), DEVICE_SEEN, { on: today }, now, true, SEEN_TTL_S);
}
