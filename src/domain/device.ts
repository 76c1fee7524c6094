/**
 * Devices: a phone (or any browser) signed in with a one-time code an admin made, holding a token of its own with a
 * role. What is stored of them, how a name, a code and a token look, and how a device is listed. Only hashes of codes
 * and tokens are kept (src/access/devices.ts reads and writes them).
 * @module
 */
import { isString, type Shape } from "./shape";

export type DeviceRole = "read" | "admin";
export const DEVICE_ROLES: readonly DeviceRole[] = ["read", "admin"];

/** A sign-in code is good this long. */
export const CODE_TTL_MS = 10 * 60_000;
/** 160 random bits: 27 base64url characters. */
export const CODE_BYTES = 20;
/** 256 random bits: 43 base64url characters, as long as the tokens `npm run setup` makes. */
export const TOKEN_BYTES = 32;
export const MAX_NAME = 40;
/** More devices than a shop has people and browsers; a bound on what one listing reads. */
export const MAX_DEVICES = 50;

const CODE = /^[A-Za-z0-9_-]{27}$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Whether `text` could be a sign-in code at all: anything else is refused before KV is read. */
export const looksLikeCode = (text: unknown): text is string => typeof text === "string" && CODE.test(text);
/** Whether `text` could be a device's token (a configured token may look like one too). */
export const looksLikeToken = (text: string): boolean => TOKEN.test(text);

export interface Device {
  id: string;
  name: string;
  role: DeviceRole;
  created_at: string;
  /** SHA-256 (hex) of its token, once the code was claimed. */
  token_hash: string | null;
  /** SHA-256 (hex) of its sign-in code while not claimed, and when the code stops working. */
  code_hash: string | null;
  code_expires_at: string | null;
}

/** What a request with a device's token is allowed as: kept under the token's hash. */
export type DeviceGrant = Pick<Device, "id" | "name" | "role">;

/** A device as `GET /api/devices` lists it: never a token, a code or a hash. */
export interface ListedDevice {
  id: string;
  name: string;
  role: DeviceRole;
  created_at: string;
  pending: boolean;
  last_seen_on: string | null;
}

/** The name a person gave, trimmed, or why it cannot be one. */
export function deviceName(value: unknown): { ok: true; name: string } | { ok: false; message: string } {
  if (typeof value !== "string") return { ok: false, message: "name must be a string" };
  const name = value.trim();
  const length = [...name].length;
  if (length === 0 || length > MAX_NAME) return { ok: false, message: `name must be 1–${MAX_NAME} characters (it is ${length})` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return { ok: false, message: "name must not hold control characters" };
  return { ok: true, name };
}

/** Whether the device's code may still be claimed at `now`. */
export const isPending = (d: Device, now: number): boolean =>
  d.token_hash === null && d.code_expires_at !== null && Date.parse(d.code_expires_at) > now;

export const listed = (d: Device, lastSeenOn: string | null, now: number): ListedDevice => ({
  id: d.id,
  name: d.name,
  role: d.role,
  created_at: d.created_at,
  pending: isPending(d, now),
  last_seen_on: lastSeenOn,
});

const isRole = (v: unknown): v is DeviceRole => DEVICE_ROLES.includes(v as DeviceRole);
const isHash = (v: unknown): v is string | null => v === null || (isString(v) && /^[0-9a-f]{64}$/.test(v));

export const DEVICE: Shape<Device> = {
  what: "device",
  read({ device: d }) {
    const x = d as Record<string, unknown> | null;
    if (typeof x !== "object" || x === null) return null;
    const { id, name, role, created_at, token_hash, code_hash, code_expires_at } = x;
    if (!isString(id) || !isString(name) || !isRole(role) || !isString(created_at) || !isHash(token_hash) || !isHash(code_hash))
      return null;
    if (!(code_expires_at === null || isString(code_expires_at))) return null;
    return { id, name, role, created_at, token_hash, code_hash, code_expires_at };
  },
  write: (device) => ({ device }),
};

export const DEVICE_GRANT: Shape<DeviceGrant> = {
  what: "device token",
  read({ device: d }) {
    const x = d as Record<string, unknown> | null;
    if (typeof x !== "object" || x === null || !isString(x.id) || !isString(x.name) || !isRole(x.role)) return null;
    return { id: x.id, name: x.name, role: x.role };
  },
  write: (device) => ({ device: { id: device.id, name: device.name, role: device.role } }),
};

/** Which device a code is for: kept under the code's hash until it is claimed or expires. */
export const DEVICE_CODE: Shape<{ id: string }> = {
  what: "sign-in code",
  read: ({ id }) => (isString(id) ? { id } : null),
  write: ({ id }) => ({ id }),
};

/** The Beijing day a device was last seen on. */
export const DEVICE_SEEN: Shape<{ on: string }> = {
  what: "device last seen",
  read: ({ on }) => (isString(on) && /^\d{4}-\d{2}-\d{2}$/.test(on) ? { on } : null),
  write: ({ on }) => ({ on }),
};
