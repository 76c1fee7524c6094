/**
 * MD5 throughput of `src/md5.ts` against pure-JS, WebAssembly and native peers, on the inputs this
 * Worker hashes (short signing strings) and on a large buffer.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createMD5 } from "hash-wasm";
import { md5 } from "../src/md5";
import { type BenchTable, checkRatio, formatRate, measure, medianRatio } from "./stats";

const ROUNDS = 9;
const ROUND_MS = 200;

type Input = string | Uint8Array;

interface Case {
  name: string;
  input: Input;
  /** Its length in bytes (UTF-8 for a string), checked before timing. */
  bytes: number;
  /** Minimum ours ÷ js-md5 and ours ÷ node:crypto. */
  goals: { jsMd5: number; node: number };
}

interface SparkMD5Static {
  hash(str: string): string;
  ArrayBuffer: { hash(buffer: ArrayBuffer): string };
}

const require = createRequire(import.meta.url);

function version(pkg: string): string {
  const url = new URL(`../node_modules/${pkg}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/**
 * js-md5's package entry for Node (`build/md5.node.mjs`) hands the work to node:crypto, which would make
 * it a second OpenSSL run. `build/md5.mjs` is its pure-JS build; refuse to run if that ever changes.
 */
async function loadJsMd5(): Promise<(input: Input) => string> {
  const specifier = "js-md5/build/md5.mjs";
  const source = readFileSync(require.resolve(specifier), "utf8");
  if (/crypto|require\(/.test(source)) throw new Error(`${specifier} is not a pure-JS build`);
  const mod = (await import(specifier)) as { default: (input: Input) => string };
  return mod.default;
}

/** A fixed pseudo-random fill (xorshift32), so every run hashes the same bytes. */
function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A PAYJS-style signing string with Chinese values, padded with ASCII to exactly `bytes` UTF-8 bytes.
 * Returned flat (decoded afresh), like a string read from a request: a concatenation would be a rope whose
 * later flattening leaves an indirection that slows every charCodeAt-based peer by a varying amount.
 */
function chineseSigningString(bytes: number): string {
  const base =
    "attach=会员充值&body=测试商品：年度会员（自动续费）&mchid=1234567890&notify_url=https://example.com/payjs/notify" +
    "&out_trade_no=2024010112000001&total_fee=100&key=";
  const encoder = new TextEncoder();
  const missing = bytes - encoder.encode(base).length;
  if (missing < 0) throw new Error("chineseSigningString: base too long");
  const s = base + "0123456789abcdef".repeat(Math.ceil(missing / 16)).slice(0, missing);
  const encoded = encoder.encode(s);
  if (encoded.length !== bytes) throw new Error("chineseSigningString: wrong length");
  return new TextDecoder().decode(encoded);
}

function utf8Length(input: Input): number {
  return typeof input === "string" ? new TextEncoder().encode(input).length : input.length;
}

export async function benchMd5(): Promise<BenchTable> {
  const jsMd5 = await loadJsMd5();
  const spark = require("spark-md5") as SparkMD5Static;
  const wasm = await createMD5();

  const big = pseudoRandomBytes(1 << 20);
  const cases: Case[] = [
    {
      name: "64-byte ASCII string",
      input: "mchid=1234567890&out_trade_no=2024010112000001&total_fee=100&k=x",
      bytes: 64,
      goals: { jsMd5: 2.0, node: 1.5 },
    },
    {
      name: "200-byte string with Chinese text",
      input: chineseSigningString(200),
      bytes: 200,
      goals: { jsMd5: 1.8, node: 1.5 },
    },
    { name: "1 MiB Uint8Array", input: big, bytes: big.length, goals: { jsMd5: 2.0, node: 0.9 } },
  ];

  /**
   * Each contender as a zero-argument closure over one input. Every closure is its own literal, so the call
   * inside it stays monomorphic and can be inlined: the timing loop's one indirect call is all the harness
   * adds, the same for everyone.
   */
  const contenders = (input: Input): Record<string, () => string> => {
    if (typeof input === "string") {
      return {
        ours: () => md5(input),
        "js-md5": () => jsMd5(input),
        "spark-md5": () => spark.hash(input),
        "hash-wasm": () => wasm.init().update(input).digest("hex"),
        "node:crypto": () => createHash("md5").update(input).digest("hex"),
      };
    }
    const whole =
      input.byteOffset === 0 && input.byteLength === input.buffer.byteLength
        ? (input.buffer as ArrayBuffer)
        : (input.slice().buffer as ArrayBuffer);
    return {
      ours: () => md5(input),
      "js-md5": () => jsMd5(input),
      "spark-md5": () => spark.ArrayBuffer.hash(whole),
      "hash-wasm": () => wasm.init().update(input).digest("hex"),
      "node:crypto": () => createHash("md5").update(input).digest("hex"),
    };
  };
  const names = Object.keys(contenders(""));

  // A benchmark of a wrong answer is worthless: every peer must agree with OpenSSL on every case first.
  for (const c of cases) {
    if (utf8Length(c.input) !== c.bytes) {
      throw new Error(`bench input for "${c.name}" has the wrong length`);
    }
    const expected = createHash("md5").update(c.input).digest("hex");
    for (const [name, fn] of Object.entries(contenders(c.input))) {
      const got = fn();
      if (got !== expected) throw new Error(`${name} gives ${got} for "${c.name}", node:crypto ${expected}`);
    }
  }

  let ok = true;
  const rows: string[][] = [];
  for (const c of cases) {
    const large = typeof c.input !== "string";
    const m = measure(contenders(c.input), { rounds: ROUNDS, roundMs: ROUND_MS, warmupMs: large ? 500 : 300 });
    const vsJs = checkRatio(medianRatio(m, "ours", "js-md5"), c.goals.jsMd5);
    const vsNode = checkRatio(medianRatio(m, "ours", "node:crypto"), c.goals.node);
    ok &&= vsJs.pass && vsNode.pass;
    rows.push([c.name, ...names.map((name) => formatRate(m.median[name]!)), vsJs.text, vsNode.text]);
  }

  return {
    title: `MD5 — ops/s, median of ${ROUNDS} interleaved rounds of ≥ ${ROUND_MS} ms after warm-up (Node ${process.versions.node})`,
    columns: ["case", ...names, "ours / js-md5", "ours / node:crypto"],
    rows,
    notes: [
      `js-md5 ${version("js-md5")}: build/md5.mjs, its pure-JS build (the package's Node entry calls node:crypto).`,
      `spark-md5 ${version("spark-md5")}: SparkMD5.hash(string), which UTF-8-encodes via unescape(encodeURIComponent(s));`,
      "  SparkMD5.ArrayBuffer.hash(buffer) for bytes.",
      `hash-wasm ${version("hash-wasm")}: one createMD5() instance, init().update(x).digest("hex") per call.`,
      'node:crypto: createHash("md5").update(x).digest("hex") (OpenSSL).',
      "Ratios are medians of the per-round ratios. All digests were checked against node:crypto before timing.",
    ],
    ok,
  };
}
