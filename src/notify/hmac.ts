/**
 * HMAC-SHA256 for the platforms' request signatures (webhook, DingTalk, Feishu), with Web Crypto.
 * Only MD5 must be our own code; HMAC uses the runtime's.
 * @module
 */

const encoder = new TextEncoder();

/** HMAC-SHA256 of `message` keyed by `key`, both as UTF-8. `key` must not be empty (Web Crypto refuses it). */
export async function hmacSha256(key: string, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
