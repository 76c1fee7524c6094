/**
 * String equality whose time depends on neither the content nor the length of the secret: both sides are
 * hashed to 16 bytes first, then every byte is compared.
 * @module
 */
import { md5 } from "./md5";

export function equalsConstantTime(a: string, b: string): boolean {
  const x = md5(a);
  const y = md5(b);
  let diff = a.length ^ b.length;
  for (let i = 0; i < x.length; i++) diff |= x.charCodeAt(i) ^ y.charCodeAt(i);
  return diff === 0;
}
