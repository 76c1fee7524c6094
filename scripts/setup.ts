/**
 * `npm run setup`: from a clone to a running Worker on the user's Cloudflare account, in one command.
 * Reads the PAYJS settings and tokens as the doctor does (environment, then `.dev.vars` in the current directory),
 * asks for missing credentials on a terminal, checks `--domain`'s DNS records, then: (1) the doctor's check of each
 * merchant, deploying nothing when the Worker would refuse an answer; (2) the tokens, given or new; (3) the alert
 * channels (`--channels FILE`, or asked for on a terminal), each sent a test message; (4) `wrangler deploy
 * --secrets-file` from the repository root (and `--domains NAME`), then `secret put PUBLIC_URL` when the address
 * is known only from wrangler's output; (5) the addresses, the tokens, a sign-in QR code for a first admin device
 * (asked of the deployed Worker; when it cannot be reached, how to get one from the dashboard), and when the first
 * alert comes.
 * Local input (tokens, channels file, domain) is checked before PAYJS is called: PAYJS allows few calls, and a
 * typo should not spend one. Everything printed is in the run's language (`--lang`, else the locale).
 *
 * Exit 0: deployed; 1: an answer would be refused, a channel's test failed, wrangler failed, or PUBLIC_URL could
 * not be set after the deploy; 2: the settings or arguments are wrong.
 * No PAYJS key is ever printed, not even in wrangler's output (everything passes the doctor's scrubber).
 * @module
 */
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Config, ConfigError } from "../src/config";
import { askedTooOften } from "../src/payjs/client";
import { finish, settingsErrorText, unexpectedText } from "./cli";
import { checkMerchants, reportHeader } from "./doctor/check";
import { renderHuman, scrubber, verdictLine } from "./doctor/render";
import { checkSettings, keysIn, type LoadedSettings, loadSettings } from "./doctor/settings";
import { chooseLang, type Messages, messagesFor } from "./i18n";
import { parseArgs, type SetupArgs } from "./setup/args";
import { askChannels, testChannels } from "./setup/channels";
import { childEnv, deployArgs, deploySecrets, isLocalApiBase, keptNames, wranglerCommand } from "./setup/deploy";
import { DnsLookupError, dnsRecords } from "./setup/dns";
import { SetupError } from "./setup/errors";
import type { Credential, Tokens } from "./setup/inputs";
import { checkChannels, chooseTokens, missingCredentials, missingError, TOKEN_SETTINGS, withTyped } from "./setup/inputs";
import { ask, confirm } from "./setup/prompt";
import { knownPublicUrl, type PublicUrl } from "./setup/public-url";
import { readRecord, writeRecord } from "./setup/record";
import { doneReport, tokensNote } from "./setup/report";
import { runWrangler, type WranglerRun, writeSecretsFile } from "./setup/run";
import { createSignInLink, type SignInLink, SignInLinkError } from "./setup/sign-in-link";
import { workerAddress } from "./setup/wrangler-output";
import { writeWranglerConfig } from "./wrangler-config";

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

const argv = process.argv.slice(2);
const m: Messages = messagesFor(chooseLang(argv, process.env));
let scrub = (text: string): string => text;

function say(text: string): void {
  process.stdout.write(scrub(`${text}\n`));
}

async function askCredentials(missing: readonly Credential[]): Promise<Partial<Record<Credential, string>>> {
  const typed: Partial<Record<Credential, string>> = {};
  for (const name of missing) {
    const answer = (await ask(name === "PAYJS_KEY" ? m.setup.askKey : m.setup.askMchid, m, name === "PAYJS_KEY")).trim();
    if (answer === "") throw new SetupError("missing", m.setup.noAnswer(name), { setting: name });
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
  /** PUBLIC_URL when known before the deploy. */
  publicUrl: PublicUrl | null;
}

function readChannelsFile(file: string, config: Config): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new SetupError("bad_channels", m.setup.channelsUnreadable(file, code), { setting: "NOTIFY_CHANNELS" });
  }
  checkChannels(text, file, new Set(config.merchants.map((merchant) => merchant.mchid)), m);
  return text;
}

/** `--domain`'s DNS check: a name with records is refused unless `--replace-dns` lets wrangler replace them. */
async function checkDomain(name: string, replaceDns: boolean): Promise<void> {
  if (replaceDns) return say(m.domain.notChecked(name));
  say(m.domain.checking(name));
  let records: string[];
  try {
    records = await dnsRecords(name, process.env.SETUP_DNS_SERVER);
  } catch (error) {
    if (!(error instanceof DnsLookupError)) throw error;
    throw new SetupError("dns_unchecked", m.domain.unchecked(name, error.code));
  }
  if (records.length > 0) throw new SetupError("domain_taken", m.domain.taken(name, records));
  say(m.domain.free(name));
}

/** Everything local, asked for or checked before PAYJS is called: a typo should not spend one of its few calls. */
async function gather(args: SetupArgs, interactive: boolean): Promise<Inputs> {
  const cwd = process.cwd();
  let settings = loadSettings(process.env, cwd);
  scrub = scrubber(keysIn(settings), m.cli.hidden);
  const missing = missingCredentials(settings.values);
  if (missing.length > 0) {
    if (!interactive) throw missingError(missing, args.yes ? "yes" : "no_terminal", m);
    say(m.setup.askCredentials);
    settings = withTyped(settings, await askCredentials(missing));
    scrub = scrubber(keysIn(settings), m.cli.hidden);
  }
  const config = checkSettings(settings, m);
  const tokens = chooseTokens(loadSettings(process.env, cwd, TOKEN_SETTINGS).values, m);
  const channels = args.channels === null ? null : readChannelsFile(args.channels, config);
  const publicUrl = knownPublicUrl(args.domain, process.env, cwd);
  if (args.domain !== null) await checkDomain(args.domain, args.replaceDns);
  return { settings, config, tokens, channels, publicUrl };
}

/** Step 1: the doctor's check; its report and a refusal when the Worker would not accept an answer. */
async function checkPayjs({ config, settings }: Inputs): Promise<void> {
  say(m.setup.step1);
  const judged = await checkMerchants(config, settings, m);
  const header = reportHeader(config, settings);
  // PAYJS refusing for being asked too often (setup run again soon after, say) says nothing of the settings.
  const tooFrequent = (j: (typeof judged)[number]) => j.code === "upstream_error" && j.returnMsg !== null && askedTooOften(j.returnMsg);
  if (!judged.every((j) => j.verdict.accepted || tooFrequent(j))) {
    process.stdout.write(scrub(renderHuman(header, judged, false, m)));
    throw new SetupError("refused", m.setup.nothingDeployed);
  }
  for (const j of judged) {
    if (!j.verdict.accepted) {
      say(m.setup.tooFrequent(j.verdict.mchid, j.returnMsg ?? ""));
      continue;
    }
    say(`    ${verdictLine(j, header, m)}`);
    if (j.verdict.signature !== "verified") say(m.setup.unverified);
  }
  if (isLocalApiBase(config.upstream.apiBase)) say(m.setup.localApiBase);
}

/** Step 2: the tokens, and a question before new ones replace those of an earlier setup from here. */
async function tokensStep(inputs: Inputs, interactive: boolean): Promise<ReturnType<typeof readRecord>> {
  say(m.setup.step2);
  const previous = readRecord(process.cwd());
  const { tokens } = inputs;
  for (const line of tokensNote(tokens, previous, m)) say(`    ${line}`);
  if (interactive && previous !== null && tokens.generated.length > 0 && !(await confirm(m.setup.confirmNewTokens, m))) {
    throw new SetupError("cancelled", m.setup.cancelled);
  }
  return previous;
}

/** Step 3: the channels (the file's, or those asked for), each sent a test message; their text, or null. */
async function channelsStep(inputs: Inputs, args: SetupArgs, interactive: boolean): Promise<string | null> {
  const mchids = new Set(inputs.config.merchants.map((merchant) => merchant.mchid));
  let text = inputs.channels;
  if (args.channels !== null) say(m.channels.fromFile(args.channels));
  else if (interactive) text = await askChannels(m, say, mchids);
  else say(m.channels.none);
  if (text !== null) await testChannels(text, { mchids, publicUrl: inputs.publicUrl?.url ?? null, m, say });
  return text;
}

/** wrangler, shown and scrubbed; a signal that stopped it ends setup with 128 + its number. */
async function wrangler(args: string[], options: { onSignal: () => void; input?: string }): Promise<WranglerRun> {
  const run = await runWrangler(wranglerCommand(process.env), args, { cwd: ROOT, env: childEnv(process.env), scrub, m, ...options });
  if (run.signal !== null) {
    const status = 128 + (constants.signals[run.signal] ?? 2);
    throw new SetupError("interrupted", m.setup.interrupted(run.signal), { status });
  }
  return run;
}

/** Step 4: wrangler deploy with the secrets file (and a custom domain), which is gone when this returns or throws. */
async function deploy(inputs: Inputs, args: SetupArgs, channels: string | null): Promise<{ run: WranglerRun; kept: string[] }> {
  const publicUrl = inputs.publicUrl?.url ?? null;
  const secrets = deploySecrets(inputs.settings.values, { tokens: inputs.tokens, channels, publicUrl });
  const file = writeSecretsFile(secrets);
  try {
    const domain = args.domain;
    const custom = domain === null ? null : { config: writeWranglerConfig(dirname(file.path), { workersDev: true }), domain };
    say(m.setup.step4(wranglerCommand(process.env).shown, domain === null ? "" : m.setup.domainArgs(domain)));
    say(m.setup.step4Secrets(Object.keys(secrets)));
    const from = inputs.publicUrl;
    if (from === null) say(m.publicUrl.later);
    else say(from.source === "domain" ? m.publicUrl.fromDomain(from.url) : m.publicUrl.fromSettings(from.url, from.source));
    const run = await wrangler(deployArgs(file.path, custom), { onSignal: file.remove });
    if (run.code !== 0) throw new SetupError("deploy_failed", m.setup.deployFailed(run.code));
    return { run, kept: keptNames(secrets) };
  } finally {
    file.remove();
  }
}

/**
 * PUBLIC_URL when it is known only now, from wrangler's output: `secret put`, the value on standard input (never
 * on the command line). Answers the error to raise once the tokens are printed, or null.
 */
async function putPublicUrl(url: string | null): Promise<SetupError | null> {
  if (url === null) return new SetupError("public_url_failed", m.publicUrl.noAddress(workerName()));
  say(m.publicUrl.putting(wranglerCommand(process.env).shown, url));
  const run = await wrangler(["secret", "put", "PUBLIC_URL"], { onSignal: () => {}, input: url });
  return run.code === 0 ? null : new SetupError("public_url_failed", m.publicUrl.putFailed(run.code, url));
}

/**
 * A sign-in link for a first admin device, from the Worker at `url` (`SETUP_WORKER_URL` instead, for tests: the
 * deployed address is on Cloudflare), or why there is none. The link and its code are printed, never logged.
 */
async function firstDevice(url: string, adminToken: string): Promise<SignInLink | SignInLinkError> {
  const base = (process.env.SETUP_WORKER_URL?.trim() || url).replace(/\/+$/, "");
  say(m.signInLink.asking(base));
  try {
    return await createSignInLink(base, adminToken, m.signInLink.deviceName);
  } catch (error) {
    if (error instanceof SignInLinkError) return error;
    throw error;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(argv, m);
  if (args.help) return say(m.setup.usage);
  const interactive = !args.yes && process.stdin.isTTY === true;
  const inputs = await gather(args, interactive);
  await checkPayjs(inputs);
  const previous = await tokensStep(inputs, interactive);
  const channels = await channelsStep(inputs, args, interactive);
  const { run, kept } = await deploy(inputs, args, channels);

  const address = workerAddress(run.output);
  const late = inputs.publicUrl === null ? await putPublicUrl(address?.url ?? null) : null;
  if (inputs.publicUrl === null && late === null) kept.push("PUBLIC_URL");
  say(address === null ? m.setup.deployedNoAddress : m.setup.deployed(address.url));
  writeRecord(process.cwd(), { deployed_at: new Date().toISOString(), worker_url: address?.url ?? null });
  const publicUrl = late === null ? (inputs.publicUrl?.url ?? address?.url ?? null) : null;
  const keepDomain = inputs.publicUrl?.source === "domain" && !inputs.publicUrl.kept ? inputs.publicUrl.url : null;
  const signIn = address === null ? null : await firstDevice(address.url, inputs.tokens.admin);
  const done = { address, tokens: inputs.tokens, kept, replaced: previous, workerName: workerName(), publicUrl, keepDomain };
  const columns = process.stdout.isTTY ? process.stdout.columns : null;
  process.stdout.write(scrub(doneReport({ ...done, channels: channels !== null, signIn, columns }, m)));
  if (late !== null) throw late;
}

main().then(
  () => finish(0, ""),
  (error: unknown) => {
    if (error instanceof SetupError) {
      return finish(error.status, "", scrub(`setup: ${error.message}\n${error.code === "usage" ? `${m.setup.usage}\n` : ""}`));
    }
    if (error instanceof ConfigError) return finish(2, "", scrub(settingsErrorText(m, "setup", m.setup.again, error)));
    finish(1, "", scrub(unexpectedText(m, "setup", error)));
  },
);
