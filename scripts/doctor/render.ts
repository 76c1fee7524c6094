/**
 * The doctor's human output: a few lines per merchant, then one summary line. Field names and PAYJS's own
 * messages are printed; complaint values only when `--show` asked for them; keys never (see {@link scrubber}).
 * @module
 */
import type { SignaturePolicy } from "../../src/payjs/client";
import { phpUrldecode } from "../../src/payjs/sign";
import type { DoctorSetting, LoadedSettings } from "./settings";
import { type Judged, shownBase } from "./verdict";

export interface Header {
  apiBase: string;
  policy: SignaturePolicy;
  timeoutMs: number;
  settings: LoadedSettings;
}

function label(j: Judged): string {
  return j.verdict.name === null ? j.verdict.mchid : `${j.verdict.name} (${j.verdict.mchid})`;
}

function why(j: Judged, policy: SignaturePolicy): string {
  const v = j.verdict;
  if (!v.accepted) return `NOT accepted (${j.code ?? "error"}): ${v.message ?? ""}`;
  if (v.signature === "verified") return `accepted: the sign verifies (${v.scheme ?? "?"})`;
  if (v.signature === "absent") return `accepted: no sign, allowed by RESPONSE_SIGNATURE=${policy}`;
  return `accepted, with a warning: the sign does not verify, allowed only by RESPONSE_SIGNATURE=${policy}`;
}

function sources(settings: LoadedSettings): string {
  const by = new Map<string, DoctorSetting[]>();
  for (const [name, source] of Object.entries(settings.sources) as [DoctorSetting, string][]) {
    by.set(source, [...(by.get(source) ?? []), name]);
  }
  const from: Record<string, string> = { ".dev.vars": ".dev.vars", typed: "what was typed" };
  const parts = [...by].map(([source, names]) => `${names.join(", ")} from ${from[source] ?? "the environment"}`);
  return parts.length === 0 ? "none set" : parts.join("; ");
}

/** One merchant's verdict on one line, e.g. `1500000001: accepted: the sign verifies (php-sdk)`. */
export function verdictLine(j: Judged, policy: SignaturePolicy): string {
  return oneLine(`${label(j)}: ${why(j, policy)}`);
}

/** The whole human report. */
export function renderHuman(header: Header, judged: Judged[], show: boolean): string {
  const out: string[] = [];
  out.push(`PAYJS doctor: one call per merchant to ${shownBase(header.apiBase)}/complaint, as the Worker makes it; nothing is stored.`);
  out.push(`Settings: RESPONSE_SIGNATURE=${header.policy}, UPSTREAM_TIMEOUT_MS=${header.timeoutMs} (${sources(header.settings)}).`);
  for (const j of judged) {
    const v = j.verdict;
    out.push("", `Merchant ${label(j)}`);
    out.push(`  verdict:     ${why(j, header.policy)}`);
    out.push(`  HTTP status: ${v.http_status ?? "none (no HTTP answer)"}`);
    if (v.return_code !== null || j.returnMsg !== null) {
      out.push(`  return_code: ${v.return_code ?? "(not an integer)"}${j.returnMsg === null ? "" : ` (return_msg: ${j.returnMsg})`}`);
    }
    out.push(`  complaints:  ${v.complaints ?? "unknown (no complaint list in the answer)"}`);
    out.push(`  signature:   ${v.signature === null ? "not checked" : v.signature}${v.scheme === null ? "" : `, scheme ${v.scheme}`}`);
    if (j.topFields.length > 0) out.push(`  fields:      ${j.topFields.join(", ")}`);
    if (j.complaintFields.length > 0) out.push(`  complaint fields: ${j.complaintFields.join(", ")}`);
    if (show && j.list.length > 0) {
      out.push(`  complaint list${v.accepted ? "" : " (NOT accepted by the Worker)"}:`);
      for (const c of j.list) out.push(`    - ${c.id}  ${c.complaint_at}  ${JSON.stringify(c.body)}`);
    }
    out.push("  what to do:");
    for (const line of v.advice) out.push(`    - ${line}`);
  }
  const refused = judged.filter((j) => !j.verdict.accepted).length;
  out.push("");
  out.push(
    refused === 0
      ? `All ${judged.length} merchant(s): the Worker would accept PAYJS's answer (exit 0).`
      : `${refused} of ${judged.length} merchant(s): the Worker would NOT accept PAYJS's answer (exit 1).`,
  );
  return out.map(oneLine).join("\n") + "\n";
}

/**
 * Text PAYJS sent (return_msg, field names, complaint values) must not break a line or reach the terminal as a
 * control sequence: control characters are shown escaped.
 */
function oneLine(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: it escapes control characters, so it must match them.
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A last guard on everything printed: each key (as given, URL-decoded the PHP way, and URL-encoded) is
 * replaced, should it ever reach the output by some path nobody foresaw.
 */
export function scrubber(keys: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const key of keys) {
    for (const form of [key, phpUrldecode(key), encodeURIComponent(key)]) if (form.length >= 4) forms.add(form);
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const form of sorted) result = result.split(form).join("[key hidden]");
    return result;
  };
}
