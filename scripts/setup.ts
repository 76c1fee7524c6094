/**
 * `npm run setup`: from a clone to a running Worker on the user's Cloudflare account, in one command.
 * Reads the PAYJS settings and tokens as the doctor does (environment, then `.dev.vars` in the current directory),
 * asks for missing credentials on a terminal, then: (1) the doctor's check of each merchant, deploying nothing
 * when the Worker would refuse an answer; (2) the tokens, given or new; (3) the `--channels` file, checked by the
 * Worker's parser; (4) `wrangler deploy --secrets-file` from the repository root; (5) the address and tokens.
 * Local input (tokens, channels file) is checked before PAYJS is called: PAYJS allows few calls, and a typo
 * should not spend one.
 *
 * Exit 0: deployed; 1: an answer would be refused, or wrangler failed; 2: the settings or arguments are wrong.
 * No PAYJS key is ever printed, not even in wrangler's output (everything passes the doctor's scrubber).
 * @module
 */
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Config, ConfigError } from "../src/config";
import { finish, settingsErrorText, unexpectedText } from "./cli";
import { checkMerchants, reportHeader } from "./doctor/check";
import { renderHuman, scrubber, verdictLine } from "./doctor/render";
import { checkSettings, keysIn, type LoadedSettings, loadSettings } from "./doctor/settings";
import { parseArgs, type SetupArgs, USAGE } from "./setup/args";
import { childEnv, deployArgs, deploySecrets, deployVars, isLocalApiBase, wranglerCommand } from "./setup/deploy";
import { SetupError } from "./setup/errors";
import type { Credential, Tokens } from "./setup/inputs";
import { checkChannels, chooseTokens, missingCredentials, missingError, TOKEN_SETTINGS, withTyped } from "./setup/inputs";
import { ask, confirm } from "./setup/prompt";
import { readRecord, writeRecord } from "./setup/record";
import { doneReport, tokensNote } from "./setup/report";
import { runWrangler, type WranglerRun, writeSecretsFile } from "./setup/run";
import { workerAddress } from "./setup/wrangler-output";

/** Where wrangler.toml is: wrangler runs there whatever the current directory. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The Worker's name, to find it in the Cloudflare dashboard when wrangler printed no address. */
function workerName(): string {
  try {
    return /^name\s*=\s*"([^"]+)"/m.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))?.[1] ?? "payjs-complaint-watch";
  } catch {
    return "payjs-complaint-watch";
  }
}

let scrub = (text: string): string => text;

function say(text: string): void {
  process.stdout.write(scrub(`${text}\n`));
}

const QUESTIONS: Record<Credential, string> = {
  PAYJS_MCHID: "PAYJS_MCHID (the merchant id): ",
  PAYJS_KEY: "PAYJS_KEY (the merchant's key; not shown as you type): ",
};

async function askCredentials(missing: readonly Credential[]): Promise<Partial<Record<Credential, string>>> {
  const typed: Partial<Record<Credential, string>> = {};
  for (const name of missing) {
    const answer = (await ask(QUESTIONS[name], name === "PAYJS_KEY")).trim();
    if (answer === "") throw new SetupError("missing", `no ${name} given; nothing was deployed`, { setting: name });
    typed[name] = answer;
  }
  return typed;
}

interface Inputs {
  settings: LoadedSettings;
  config: Config;
  tokens: Tokens;
  /** The `--channels` file's text, checked. */
  channels: string | null;
}

/** Everything local, asked for or checked before PAYJS is called: a typo should not spend one of its few calls. */
async function gather(args: SetupArgs, interactive: boolean): Promise<Inputs> {
  const cwd = process.cwd();
  let settings = loadSettings(process.env, cwd);
  scrub = scrubber(keysIn(settings));
  const missing = missingCredentials(settings.values);
  if (missing.length > 0) {
    if (!interactive) throw missingError(missing, args.yes ? "yes" : "no_terminal");
    say("Setup needs the PAYJS merchant's id and key (from the PAYJS merchant console):");
    settings = withTyped(settings, await askCredentials(missing));
    scrub = scrubber(keysIn(settings));
  }
  const config = checkSettings(settings);
  const tokens = chooseTokens(loadSettings(process.env, cwd, TOKEN_SETTINGS).values);
  let channels: string | null = null;
  if (args.channels !== null) {
    try {
      channels = readFileSync(args.channels, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      throw new SetupError("bad_channels", `${args.channels}: cannot be read (${code})`, { setting: "NOTIFY_CHANNELS" });
    }
    checkChannels(channels, args.channels, new Set(config.merchants.map((m) => m.mchid)));
  }
  return { settings, config, tokens, channels };
}

/** Step 1: the doctor's check; its report and a refusal when the Worker would not accept an answer. */
async function checkPayjs({ config, settings }: Inputs): Promise<void> {
  say("1/5 The doctor's check: one call per merchant to PAYJS, as the Worker makes it.");
  const judged = await checkMerchants(config, settings);
  if (!judged.every((j) => j.verdict.accepted)) {
    process.stdout.write(scrub(renderHuman(reportHeader(config, settings), judged, false)));
    throw new SetupError("refused", "Nothing was deployed.");
  }
  for (const j of judged) {
    say(`    ${verdictLine(j, config.upstream.signaturePolicy)}`);
    if (j.verdict.signature !== "verified") {
      say("    (the Worker will run on answers whose sign it cannot verify; /api/status and the dashboard warn)");
    }
  }
  if (isLocalApiBase(config.upstream.apiBase)) {
    say("    Warning: PAYJS_API_BASE is on this machine; the Worker on Cloudflare cannot reach it (a rehearsal only).");
  }
}

/** Step 4: wrangler deploy with the secrets file, which is gone when this returns or throws. */
async function deploy(inputs: Inputs, vars: string[]): Promise<WranglerRun> {
  const secrets = deploySecrets(inputs.settings.values, inputs.tokens, inputs.channels);
  const command = wranglerCommand(process.env);
  const shownVars = vars.map((v) => ` --var ${v.slice(0, v.indexOf(":"))}:…`).join("");
  say(`4/5 ${command.shown} deploy --secrets-file <a temporary file>${shownVars}`);
  say(`    secrets: ${Object.keys(secrets).join(", ")}`);
  const file = writeSecretsFile(secrets);
  let run: WranglerRun;
  try {
    const options = { cwd: ROOT, env: childEnv(process.env), scrub, onSignal: file.remove };
    run = await runWrangler(command, deployArgs(file.path, vars), options);
  } finally {
    file.remove();
  }
  if (run.signal !== null) {
    const status = 128 + (constants.signals[run.signal] ?? 2);
    throw new SetupError("interrupted", `wrangler was stopped (${run.signal}); the secrets file is removed`, { status });
  }
  if (run.code !== 0) {
    const failed = `wrangler deploy failed (exit ${run.code}); nothing else was changed by setup.`;
    const hint =
      "Not logged in to Cloudflare? Run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN). Several accounts? Set CLOUDFLARE_ACCOUNT_ID. Then run setup again.";
    throw new SetupError("deploy_failed", `${failed}\n${hint}`);
  }
  return run;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const interactive = !args.yes && process.stdin.isTTY === true;
  const inputs = await gather(args, interactive);
  await checkPayjs(inputs);

  say("2/5 Tokens.");
  const previous = readRecord(process.cwd());
  const { tokens } = inputs;
  for (const line of tokensNote(tokens, previous)) say(`    ${line}`);
  if (interactive && previous !== null && tokens.generated.length > 0 && !(await confirm("    Deploy with new tokens?"))) {
    throw new SetupError("cancelled", "Nothing was deployed.");
  }

  say(`3/5 Alert channels: ${inputs.channels === null ? "none (add them with --channels FILE)" : `${args.channels} is valid`}.`);

  const vars = deployVars(inputs.settings.values);
  const run = await deploy(inputs, vars);

  const address = workerAddress(run.output);
  say(address === null ? "5/5 Deployed, but wrangler printed no address setup recognises." : `5/5 Deployed to ${address.url}.`);
  writeRecord(process.cwd(), { deployed_at: new Date().toISOString(), worker_url: address?.url ?? null });
  process.stdout.write(scrub(doneReport({ address, tokens, vars, replaced: previous, workerName: workerName() })));
}

main().then(
  () => finish(0, ""),
  (error: unknown) => {
    if (error instanceof SetupError) {
      return finish(error.status, "", scrub(`setup: ${error.message}\n${error.code === "usage" ? `${USAGE}\n` : ""}`));
    }
    if (error instanceof ConfigError) return finish(2, "", scrub(settingsErrorText("setup", "setup", error)));
    finish(1, "", scrub(unexpectedText("setup", error)));
  },
);
