/**
 * A QR code for a terminal, drawn with background colours: each module is two spaces (a terminal cell is about
 * twice as tall as wide) on a dark or a light background, and each row ends with a reset so the colour never
 * bleeds into the next line or the prompt. Block characters (`█`, `▀`) would be simpler, but Chinese Windows
 * consoles print them double-width, which breaks the code; a space is one cell everywhere.
 * @module
 */
import { encode } from "uqr";

/** ANSI background colours: black for dark modules, white for light ones (also the quiet zone). */
export const DARK = "\u001b[40m";
export const LIGHT = "\u001b[47m";
export const RESET = "\u001b[0m";
const MODULE = "  ";

/**
 * The quiet zone, in modules. The standard asks for 4; 2 scans well on a screen and keeps a typical sign-in link
 * (version 5, 37 modules) within 82 columns.
 */
export const QUIET_ZONE = 2;

/** The rows of a QR matrix (`true`: dark), as it is given (its quiet zone included, if any). */
export function renderQr(matrix: readonly (readonly boolean[])[]): string[] {
  return matrix.map((row) => `${row.map((dark) => `${dark ? DARK : LIGHT}${MODULE}`).join("")}${RESET}`);
}

export interface TerminalQr {
  rows: string[];
  /** How many terminal columns each row takes: a narrower window wraps the rows and breaks the code. */
  columns: number;
}

/** `text`'s QR code with its quiet zone, as terminal rows. */
export function qrLines(text: string): TerminalQr {
  const { data, size } = encode(text, { border: QUIET_ZONE });
  return { rows: renderQr(data), columns: size * MODULE.length };
}
