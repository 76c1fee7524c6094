/**
 * `npm run setup`'s arguments. npm passes a `--` before them (`npm run setup -- --yes`), and a user may type it
 * again, so every bare `--` is skipped. The usage text is in the message tables (scripts/i18n/).
 * @module
 */
import type { Messages } from "../i18n";
import { parseLang } from "../i18n/lang";
import { SetupError } from "./errors";

export interface SetupArgs {
  /** Never ask: a missing setting is an error (exit 2). */
  yes: boolean;
  /** The `NOTIFY_CHANNELS` JSON file, or null. */
  channels: string | null;
  /** The custom domain to deploy to as well (a host name, lower case), or null. */
  domain: string | null;
  /** Let wrangler replace the domain's DNS records (skips the check). */
  replaceDns: boolean;
  help: boolean;
}

/** A host name of two labels or more (`watch.example.com`), each 1–63 letters, digits or inner hyphens. */
const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** The value of `--name V` or `--name=V` at `argv[i]`, and the index it ends at. */
function flagValue(argv: readonly string[], i: number, name: string): [string | undefined, number] {
  const arg = argv[i] as string;
  return arg === name ? [argv[i + 1], i + 1] : [arg.slice(name.length + 1), i];
}

function isFlag(arg: string, name: string): boolean {
  return arg === name || arg.startsWith(`${name}=`);
}

/** @throws SetupError `usage` for anything it does not know, in the run's language. */
export function parseArgs(argv: readonly string[], m: Messages): SetupArgs {
  const args: SetupArgs = { yes: false, channels: null, domain: null, replaceDns: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let value: string | undefined;
    if (arg === "--") continue;
    if (arg === "--yes" || arg === "-y") args.yes = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--replace-dns") args.replaceDns = true;
    else if (isFlag(arg, "--lang")) {
      [value, i] = flagValue(argv, i, "--lang");
      if (parseLang(value ?? "") === null) throw new SetupError("usage", m.cli.badLang(value ?? ""));
    } else if (isFlag(arg, "--channels")) {
      [value, i] = flagValue(argv, i, "--channels");
      if (value === undefined || value === "" || value.startsWith("--")) throw new SetupError("usage", m.setup.needsFile);
      args.channels = value;
    } else if (isFlag(arg, "--domain")) {
      [value, i] = flagValue(argv, i, "--domain");
      if (value === undefined || value === "" || value.startsWith("--")) throw new SetupError("usage", m.setup.needsDomain);
      if (!HOST.test(value.toLowerCase())) throw new SetupError("usage", m.setup.badDomain(value));
      args.domain = value.toLowerCase();
    } else throw new SetupError("usage", m.cli.unknownArgument(arg));
  }
  if (args.replaceDns && args.domain === null) throw new SetupError("usage", m.setup.replaceDnsAlone);
  return args;
}
