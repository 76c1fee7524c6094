/**
 * The settings the channels last heard "监控已启动" for: a fingerprint of the merchants and channels (a hash: no secret
 * is kept in clear) and when. A tick whose settings' fingerprint differs tells them once more.
 * @module
 */
import { isString, type Shape } from "./shape";

export interface Started {
  fingerprint: string;
  at: string;
}

export const STARTED: Shape<Started> = {
  what: "started",
  read: ({ fingerprint, at }) => (isString(fingerprint) && isString(at) ? { fingerprint, at } : null),
  write: ({ fingerprint, at }) => ({ fingerprint, at }),
};
