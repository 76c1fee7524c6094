/**
 * A sign-in link as a QR code: an `<svg>` drawn from the module matrix of `uqr`'s `encode()`, built element by
 * element (the page's Trusted Types refuse any HTML string, so `uqr`'s own SVG text cannot be used; only `encode`
 * is imported and the rest of `uqr` is left out of the bundle).
 * @module
 */
import { encode } from "uqr";
import { svg } from "./dom";

/**
 * The code of `text`, each dark module a unit square of one path (a row's dark runs merged), on a white ground with
 * a quiet zone of four modules, as scanners want even in the page's dark scheme. Error correction M: still read
 * from a screen photographed at an angle, and a link of ~80 characters stays a small code (version 5).
 */
export function qrSvg(text: string, label: string): SVGSVGElement {
  const { data, size } = encode(text, { ecc: "M", border: 4 });
  let d = "";
  data.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      d += `M${start} ${y}h${x - start + 1}v1H${start}z`;
    }
  });
  return svg(
    "svg",
    { viewBox: `0 0 ${size} ${size}`, role: "img", "aria-label": label, "shape-rendering": "crispEdges" },
    svg("rect", { width: size, height: size, fill: "#fff" }),
    svg("path", { d, fill: "#000" }),
  );
}
