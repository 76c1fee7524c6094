/**
 * View keys: what lets a link in an alert open that one complaint, read-only, for 7 days, without signing in. A key is
 * its expiry (4 bytes, Unix seconds) and the first 20 bytes of an HMAC-SHA256 over the merchant, the complaint and that
 * expiry, under a secret the Worker keeps in KV (src/access/view-secret.ts): 160 bits an outsider cannot make, in 32
 * base64url characters. Nothing is stored per key; a new secret makes every older key stop working.
 * @module
 */
import { fromBase64Url, toBase64Url } from "../bytes";
import { hmacSha256 } from "../sha256";

export const VIEW_KEY_DAYS = 7;
const VIEW_KEY_MS = VIEW_KEY_DAYS * 86_400_000;
const MAC_BYTES = 20;

function mac(secret: Uint8Array, mchid: string, id: string, expires: number): Uint8Array {
  return hmacSha256(secret, JSON.stringify(["view", mchid, id, expires])).subarray(0, MAC_BYTES);
}

/** The key for complaint `id` of `mchid`, good for 7 days from `now`. */
export function viewKey(secret: Uint8Array, mchid: string, id: string, now: number): string {
  const expires = Math.floor((now + VIEW_KEY_MS) / 1000);
  const bytes = new Uint8Array(4 + MAC_BYTES);
  new DataView(bytes.buffer).setUint32(0, expires);
  bytes.set(mac(secret, mchid, id, expires), 4);
  return toBase64Url(bytes);
}

/**
 * Whether `key` opens complaint `id` of `mchid` at `now`. The MAC is compared in full, in constant time, whatever part
 * is wrong; the answer says nothing of which.
 */
export function opensComplaint(secret: Uint8Array, key: string, mchid: string, id: string, now: number): boolean {
  const bytes = fromBase64Url(key);
  if (bytes === null || bytes.length !== 4 + MAC_BYTES) return false;
  const expires = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
  const expected = mac(secret, mchid, id, expires);
  let diff = 0;
  for (let i = 0; i < MAC_BYTES; i++) diff |= (bytes[4 + i] as number) ^ (expected[i] as number);
  return diff === 0 && expires * 1000 > now && expires * 1000 <= now + VIEW_KEY_MS + 60_000;
}
