/**
 * `npm run setup`'s arguments. npm passes a `--` before them (`npm run setup -- --yes`), and a user may type it
 * again, so every bare `--` is skipped.
 * @module
 */
import { SetupError } from "./errors";

export interface SetupArgs {
  /** Never ask: a missing setting is an error (exit 2). */
  yes: boolean;
  /** The `NOTIFY_CHANNELS` JSON file, or null. */
  channels: string | null;
  help: boolean;
}

export const USAGE = `Usage: npm run setup [-- --yes] [-- --channels FILE]
  Deploys this Worker to your Cloudflare account: checks each PAYJS merchant as the Worker would (the doctor's
  check), makes read and admin tokens unless API_TOKENS and ADMIN_TOKEN are set, and runs wrangler deploy with
  the secrets. Reads PAYJS_MCHID and PAYJS_KEY, or PAYJS_MERCHANTS (and API_TOKENS, ADMIN_TOKEN,
  RESPONSE_SIGNATURE, PAYJS_API_BASE) from the environment, then .dev.vars; asks for what is missing.
  --yes            never ask: exit 2 naming what is missing
  --channels FILE  a NOTIFY_CHANNELS JSON file (alert channels), checked before anything is deployed
  The wrangler run is \`npx wrangler\`, or $WRANGLER when set.
Exit 0: deployed; 1: a merchant's answer would be refused, or the deploy failed; 2: the settings are wrong.`;

/** @throws SetupError `usage` for anything it does not know. */
export function parseArgs(argv: readonly string[]): SetupArgs {
  const args: SetupArgs = { yes: false, channels: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") continue;
    if (arg === "--yes" || arg === "-y") args.yes = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--channels" || arg.startsWith("--channels=")) {
      const file = arg === "--channels" ? argv[++i] : arg.slice("--channels=".length);
      if (file === undefined || file === "" || file.startsWith("--")) throw new SetupError("usage", "--channels needs a FILE");
      args.channels = file;
    } else throw new SetupError("usage", `unknown argument ${arg}`);
  }
  return args;
}
