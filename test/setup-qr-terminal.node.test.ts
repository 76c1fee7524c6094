/**
 * The terminal QR code of `npm run setup` (scripts/setup/qr-terminal.ts): read back from its ANSI text, the grid is
 * uqr's matrix module for module, quiet zone included; every module is two spaces on one of two background
 * colours, every row ends with a reset, and no block character is used (double-width in Chinese Windows consoles).
 */

import { encode } from "uqr";
import { describe, expect, it } from "vitest";
import { DARK, LIGHT, QUIET_ZONE, qrLines, RESET, renderQr } from "../scripts/setup/qr-terminal";

const LINK = "https://payjs-complaint-watch.example.workers.dev/#signin=AbCdEfGhIjKlMnOpQrStUv";

/** The grid a row draws (`true`: dark), read module by module; throws on anything else in the row. */
function readRow(row: string): boolean[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the row is ANSI colour codes and spaces.
  const module = /^\u001b\[4([07])m {2}/;
  const modules: boolean[] = [];
  let rest = row;
  for (let found = module.exec(rest); found !== null; found = module.exec(rest)) {
    modules.push(found[1] === "0");
    rest = rest.slice(found[0].length);
  }
  expect(rest, "a row ends with the reset, and holds nothing but modules before it").toBe(RESET);
  return modules;
}

describe("the terminal QR code", () => {
  it("reads back as encode()'s matrix, one module for one two-space cell, quiet zone light all round", () => {
    const { data, size } = encode(LINK, { border: QUIET_ZONE });
    const { rows, columns } = qrLines(LINK);
    const grid = rows.map(readRow);
    expect(grid).toEqual(data);
    expect(grid).toHaveLength(size);
    expect(columns).toBe(size * 2);
    for (const row of rows) expect(row.split(DARK).join("").split(LIGHT).join("").split(RESET).join("")).toBe(" ".repeat(columns));
    const edge = [...grid.slice(0, QUIET_ZONE), ...grid.slice(-QUIET_ZONE)].flat();
    const sides = grid.flatMap((row) => [...row.slice(0, QUIET_ZONE), ...row.slice(-QUIET_ZONE)]);
    expect([...edge, ...sides].every((dark) => !dark)).toBe(true);
    // The finder pattern's top-left corner is dark, just inside the quiet zone.
    expect(grid[QUIET_ZONE]?.[QUIET_ZONE]).toBe(true);
  });

  it("draws dark and light modules with one colour each, and nothing but spaces and colour codes", () => {
    expect(
      renderQr([
        [true, false],
        [false, true],
      ]),
    ).toEqual([`${DARK}  ${LIGHT}  ${RESET}`, `${LIGHT}  ${DARK}  ${RESET}`]);
    expect(DARK).not.toBe(LIGHT);
    const text = qrLines(LINK).rows.join("\n");
    expect(text).not.toMatch(/[\u2580-\u259f]/);
  });

  it("a different link, a different code", () => {
    expect(qrLines(`${LINK}x`).rows).not.toEqual(qrLines(LINK).rows);
  });
});
