/**
 * One PAYJS merchant: its id, its key (a secret: never logged, never shown) and an optional display name.
 * @module
 */
export interface Merchant {
  mchid: string;
  key: string;
  name: string | null;
}
