/**
 * `npm run doctor`: the first contact with PAYJS before deploying. Reads the PAYJS settings from the
 * environment, then from `.dev.vars` in the current directory (the environment wins per name), validates them
 * with the Worker's own `parseConfig`, and calls `POST {PAYJS_API_BASE}/complaint` once per merchant with the
 * Worker's own client (`callComplaints`). Nothing is stored. Prints per merchant whether the Worker would accept
 * the answer, what it showed and what to set or check.
 *
 * Usage: `npm run doctor [-- --json] [-- --show]`
 * - `--json`: one JSON object `{"merchants":[{"mchid","accepted","http_status","return_code","message",
 *   "complaints","signature","scheme","fields","advice"}]}` instead (a settings error: `{"error":{"code":
 *   "bad_config","setting","message"}}`).
 * - `--show`: also list each complaint's id, complaint_at and body (complaint text is never printed without it).
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

const USAGE = `Usage: npm run doctor [-- --json] [-- --show]
  Calls PAYJS once per merchant configured in the environment or .dev.vars, as the Worker would, and says
  whether the Worker would accept the answer and what to set or check.
  --json  print one JSON object instead of text
  --show  also list each complaint's id, complaint_at and body
Exit 0: every answer would be accepted; 1: some would not; 2: the settings are wrong.`;

interface Args {
  json: boolean;
  show: boolean;
  help: boolean;
  unknown: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, show: false, help: false, unknown: [] };
  for (const arg of argv) {
    if (arg === "--json") args.json = true;
    else if (arg === "--show") args.show = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg !== "--") args.unknown.push(arg);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) return finish(0, `${USAGE}\n`);
  if (args.unknown.length > 0) return finish(2, "", `doctor: unknown argument ${args.unknown[0]}\n${USAGE}\n`);

  let settings: LoadedSettings | null = null;
  let scrub = (text: string): string => text;
  try {
    settings = loadSettings(process.env, process.cwd());
    scrub = scrubber(keysIn(settings));
    const config = checkSettings(settings);
    const judged = await checkMerchants(config, settings);
    const code = judged.every((j) => j.verdict.accepted) ? 0 : 1;
    if (args.json) {
      const merchants = judged.map((j) => (args.show ? { ...j.verdict, complaint_list: j.list } : j.verdict));
      return finish(code, scrub(`${JSON.stringify({ merchants }, null, 2)}\n`));
    }
    return finish(code, scrub(renderHuman(reportHeader(config, settings), judged, args.show)));
  } catch (error) {
    if (error instanceof ConfigError) {
      const text = settingsErrorText("doctor", "the doctor", error);
      const json = `${JSON.stringify({ error: { code: error.code, setting: error.setting, message: error.message } })}\n`;
      return finish(2, args.json ? scrub(json) : "", scrub(text));
    }
    return finish(1, "", scrub(unexpectedText("doctor", error)));
  }
}

void main();
