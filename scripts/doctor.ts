/**
 * `npm run doctor`: the first contact with PAYJS before deploying. Reads the PAYJS settings from the
 * environment, then from `.dev.vars` in the current directory (the environment wins per name), validates them
 * with the Worker's own `parseConfig`, and calls `POST {PAYJS_API_BASE}/complaint` once per merchant with the
 * Worker's own client (`callComplaints`). Nothing is stored. Prints per merchant whether the Worker would accept
 * the answer, what it showed and what to set or check.
 *
 * Usage: `npm run doctor [-- --json] [-- --show] [-- --lang en|zh]`
 * - `--json`: one JSON object `{"merchants":[{"mchid","accepted","http_status","return_code","message",
 *   "complaints","signature","scheme","fields","advice"}]}` instead (a settings error: `{"error":{"code":
 *   "bad_config","setting","message"}}`).
 * - `--show`: also list each complaint's id, complaint_at and body (complaint text is never printed without it).
 * - `--lang en|zh`: the language of everything printed (the `--json` field names stay; its advice and error
 *   message follow); by default the locale's (scripts/i18n/lang.ts).
 *
 * Exit 0 when every merchant's answer would be accepted, 1 when not, 2 when the settings are wrong.
 * No key (nor PAYJS_MERCHANTS' content) is ever printed.
 * @module
 */
import { ConfigError } from "../src/config";
import { finish, settingsErrorText, unexpectedText } from "./cli";
import { checkMerchants, reportHeader } from "./doctor/check";
import { renderHuman, scrubber } from "./doctor/render";
import { checkSettings, keysIn, type LoadedSettings, loadSettings } from "./doctor/settings";
import { chooseLang, configProblem, type Messages, messagesFor } from "./i18n";
import { parseLang } from "./i18n/lang";

interface Args {
  json: boolean;
  show: boolean;
  help: boolean;
  /** What is wrong with the arguments, in the run's language; null when nothing. */
  problem: string | null;
}

function parseArgs(argv: string[], m: Messages): Args {
  const args: Args = { json: false, show: false, help: false, problem: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--json") args.json = true;
    else if (arg === "--show") args.show = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--lang" || arg.startsWith("--lang=")) {
      const value = arg === "--lang" ? (argv[++i] ?? "") : arg.slice("--lang=".length);
      if (parseLang(value) === null) args.problem ??= m.cli.badLang(value);
    } else if (arg !== "--") args.problem ??= m.cli.unknownArgument(arg);
  }
  return args;
}

async function run(args: Args, m: Messages): Promise<void> {
  let settings: LoadedSettings | null = null;
  let scrub = (text: string): string => text;
  try {
    settings = loadSettings(process.env, process.cwd());
    scrub = scrubber(keysIn(settings), m.cli.hidden);
    const config = checkSettings(settings, m);
    const judged = await checkMerchants(config, settings, m);
    const code = judged.every((j) => j.verdict.accepted) ? 0 : 1;
    if (args.json) {
      const merchants = judged.map((j) => (args.show ? { ...j.verdict, complaint_list: j.list } : j.verdict));
      return finish(code, scrub(`${JSON.stringify({ merchants }, null, 2)}\n`));
    }
    return finish(code, scrub(renderHuman(reportHeader(config, settings), judged, args.show, m)));
  } catch (error) {
    if (error instanceof ConfigError) {
      const text = settingsErrorText(m, "doctor", m.doctor.again, error);
      const json = `${JSON.stringify({ error: { code: error.code, setting: error.setting, message: configProblem(m, error) } })}\n`;
      return finish(2, args.json ? scrub(json) : "", scrub(text));
    }
    return finish(1, "", scrub(unexpectedText(m, "doctor", error)));
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  const m = messagesFor(chooseLang(argv, process.env));
  const args = parseArgs(argv, m);
  if (args.help) finish(0, `${m.doctor.usage}\n`);
  else if (args.problem !== null) finish(2, "", `doctor: ${args.problem}\n${m.doctor.usage}\n`);
  else void run(args, m);
}

main();
