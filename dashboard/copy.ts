/**
 * Copying a link where the Clipboard API may be missing: WeChat's and WeCom's browsers, and any page not served over
 * HTTPS, have no `navigator.clipboard`.
 * @module
 */

/**
 * Copies the value of `box` (a readonly input showing it): by the Clipboard API when there is one and it agrees,
 * else by selecting the text and `document.execCommand("copy")`, deprecated but still the one way there. False when
 * neither did it; the text is then left selected, for the person to copy by hand (long-press on a phone).
 */
export async function copyText(box: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(box.value);
    return true;
  } catch {
    // No Clipboard API (navigator.clipboard undefined), or refused: the selection below.
  }
  box.focus();
  box.select();
  box.setSelectionRange(0, box.value.length); // iOS selects nothing with select() alone
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}
