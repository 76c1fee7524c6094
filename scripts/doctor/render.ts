/**
 * The doctor's human output: a few lines per merchant, then one summary line. Field names and PAYJS's own
 * messages are printed; complaint values only when `--show` asked for them; keys never (see {@link scrubber}).
 * @module
 */
import type { SignaturePolicy } from "../../src/payjs/client";
import { phpUrldecode } from "../../src/payjs/sign";
import type { Messages } from "../i18n";
import type { DoctorSetting, LoadedSettings, Source } from "./settings";
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

function why(j: Judged, policy: SignaturePolicy, timeoutMs: number, m: Messages): string {
  const v = j.verdict;
  if (!v.accepted) {
    const refusal = { code: j.code ?? "error", message: v.message ?? "", returnMsg: j.returnMsg, httpStatus: v.http_status, timeoutMs };
    return m.doctor.refused(refusal);
  }
  if (v.signature === "verified") return m.doctor.verified(v.scheme ?? "?");
  if (v.signature === "absent") return m.doctor.absent(policy);
  return m.doctor.mismatch(policy);
}

function sources(settings: LoadedSettings, m: Messages): string {
  const by = new Map<Source, DoctorSetting[]>();
  for (const [name, source] of Object.entries(settings.sources) as [DoctorSetting, Source][]) {
    by.set(source, [...(by.get(source) ?? []), name]);
  }
  return by.size === 0 ? m.doctor.sourcesNone : m.doctor.sources([...by].map(([source, names]) => [names, source]));
}

/** One merchant's verdict on one line, e.g. `1500000001: accepted: the sign verifies (php-sdk)`. */
export function verdictLine(j: Judged, header: Pick<Header, "policy" | "timeoutMs">, m: Messages): string {
  return oneLine(`${label(j)}: ${why(j, header.policy, header.timeoutMs, m)}`);
}

/** What the answer showed of one merchant: status, return code, complaints, sign, fields. */
function answerLines(j: Judged, m: Messages): string[] {
  const v = j.verdict;
  const d = m.doctor;
  const out = [`${d.httpLabel}${v.http_status ?? d.httpNone}`];
  if (v.return_code !== null || j.returnMsg !== null) {
    out.push(`${d.returnCodeLabel}${v.return_code ?? d.returnCodeNotInteger}${j.returnMsg === null ? "" : d.returnMsg(j.returnMsg)}`);
  }
  out.push(`${d.complaintsLabel}${v.complaints ?? d.complaintsUnknown}`);
  out.push(`${d.signatureLabel}${d.signature(v.signature, v.scheme)}`);
  if (j.topFields.length > 0) out.push(`${d.fieldsLabel}${j.topFields.join(", ")}`);
  if (j.complaintFields.length > 0) out.push(`${d.complaintFieldsLabel}${j.complaintFields.join(", ")}`);
  return out;
}

/** The whole human report. */
export function renderHuman(header: Header, judged: Judged[], show: boolean, m: Messages): string {
  const d = m.doctor;
  const out: string[] = [d.header(shownBase(header.apiBase)), d.settingsLine(header.policy, header.timeoutMs, sources(header.settings, m))];
  for (const j of judged) {
    const v = j.verdict;
    out.push("", d.merchant(label(j)), `${d.verdictLabel}${why(j, header.policy, header.timeoutMs, m)}`, ...answerLines(j, m));
    if (show && j.list.length > 0) {
      out.push(d.complaintList(v.accepted));
      for (const c of j.list) out.push(`    - ${c.id}  ${c.complaint_at}  ${JSON.stringify(c.body)}`);
    }
    out.push(d.whatToDo, ...v.advice.map((line) => `    - ${line}`));
  }
  const refused = judged.filter((j) => !j.verdict.accepted).length;
  out.push("", refused === 0 ? d.allAccepted(judged.length) : d.someRefused(refused, judged.length));
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
export function scrubber(keys: readonly string[], hidden: string): (text: string) => string {
  const forms = new Set<string>();
  for (const key of keys) {
    for (const form of [key, phpUrldecode(key), encodeURIComponent(key)]) if (form.length >= 4) forms.add(form);
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const form of sorted) result = result.split(form).join(hidden);
    return result;
  };
}
