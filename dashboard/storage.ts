/**
 * What the page keeps in the browser's `localStorage`: the token and the language. Storage may be refused
 * (private mode, blocked cookies): the page then works for the visit and forgets.
 * @module
 */
export const TOKEN_KEY = "payjs-watch.token";
export const LANG_KEY = "payjs-watch.lang";

export function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode
  }
}

export function forget(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // private mode
  }
}
