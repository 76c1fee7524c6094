/**
 * Everything `npm run setup` and `npm run doctor` print, in English. This table's shape is {@link Messages}: the
 * Chinese table (zh.ts) must have every key, with the same parameters, or it does not compile. Codes, commands,
 * setting names and URLs are written as they are in both.
 * @module
 */
import type { Source } from "../doctor/settings";
import type { TokenSetting } from "../setup/inputs";
import type { SignInLinkFailure } from "../setup/sign-in-link";

/** What a message needs to know about one refused PAYJS answer. */
export interface Refusal {
  code: string;
  /** The Worker's own message. */
  message: string;
  /** PAYJS's `return_msg` (or `msg`). */
  returnMsg: string | null;
  httpStatus: number | null;
  timeoutMs: number;
}

/** An earlier setup, as its record shows it. */
export interface Earlier {
  deployedAt: string;
  url: string | null;
}

const list = (names: readonly string[]): string =>
  names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
const tokenName = (name: TokenSetting): string => (name === "API_TOKENS" ? "read token" : "admin token");
const sourceName: Record<Source, string> = { environment: "the environment", ".dev.vars": ".dev.vars", typed: "what was typed" };
/** `2026-05-01T08:30:12.345Z` as `2026-05-01 08:30 UTC`. */
const shownTime = (iso: string): string => (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso);

/** `2026-05-01T08:30:12.345Z` as `HH:MM` on this computer's clock. */
function localTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "the connection was refused: nothing listens on that host and port",
  ENOTFOUND: "the host name does not resolve (DNS)",
  EAI_AGAIN: "DNS lookup failed for now",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "connecting timed out",
};

const CHANNEL_TYPES: Record<string, string> = { wecom: "WeCom group robot", pushplus: "PushPlus", wxpusher: "WxPusher" };

const cli = {
  /** What replaces a key that would otherwise be printed. */
  hidden: "[key hidden]",
  /** A yes to a yes/no question (whose default is no). */
  yes: /^\s*y(es)?\s*$/i,
  /** After a yes/no question (its answer follows). */
  yesNo: " [y/N] ",
  /** A bad `--lang` value, reported in the locale's language. */
  badLang: (value: string) => `--lang takes en or zh, not ${JSON.stringify(value)}`,
  unknownArgument: (arg: string) => `unknown argument ${arg}`,
  settingsWrong: (tool: string, problem: string, setting: string, again: string) =>
    `${tool}: the settings are wrong: ${problem}\nFix ${setting} (in the environment or .dev.vars) and run ${again} again.\n`,
  unexpected: (tool: string, message: string) => `${tool}: unexpected failure: ${message}\n`,
  /** A settings error of the Worker's parser (`detail` is its message after `SETTING: `), worded for a person. */
  configProblem: (setting: string, detail: string) => `${setting}: ${detail}`,
};

const doctor = {
  usage: `Usage: npm run doctor [-- --json] [-- --show] [-- --lang en|zh]
  Calls PAYJS once per merchant configured in the environment or .dev.vars, as the Worker would, and says
  whether the Worker would accept the answer and what to set or check.
  --json       print one JSON object instead of text
  --show       also list each complaint's id, complaint_at and body
  --lang en|zh the language (default: the locale's, LC_ALL, LC_MESSAGES or LANG)
Exit 0: every answer would be accepted; 1: some would not; 2: the settings are wrong.`,
  again: "the doctor",
  noMerchant: "no merchant is configured: set PAYJS_MCHID and PAYJS_KEY, or PAYJS_MERCHANTS",
  header: (base: string) => `PAYJS doctor: one call per merchant to ${base}/complaint, as the Worker makes it; nothing is stored.`,
  settingsLine: (policy: string, timeoutMs: number, sources: string) =>
    `Settings: RESPONSE_SIGNATURE=${policy}, UPSTREAM_TIMEOUT_MS=${timeoutMs} (${sources}).`,
  sourcesNone: "none set",
  sources: (parts: [names: string[], source: Source][]) =>
    parts.map(([names, source]) => `${names.join(", ")} from ${sourceName[source]}`).join("; "),
  merchant: (label: string) => `Merchant ${label}`,
  verdictLabel: "  verdict:     ",
  httpLabel: "  HTTP status: ",
  httpNone: "none (no HTTP answer)",
  returnCodeLabel: "  return_code: ",
  returnCodeNotInteger: "(not an integer)",
  returnMsg: (msg: string) => ` (return_msg: ${msg})`,
  complaintsLabel: "  complaints:  ",
  complaintsUnknown: "unknown (no complaint list in the answer)",
  signatureLabel: "  signature:   ",
  signature: (result: "verified" | "absent" | "mismatch" | null, scheme: string | null) =>
    `${result ?? "not checked"}${scheme === null ? "" : `, scheme ${scheme}`}`,
  fieldsLabel: "  fields:      ",
  complaintFieldsLabel: "  complaint fields: ",
  complaintList: (accepted: boolean) => `  complaint list${accepted ? "" : " (NOT accepted by the Worker)"}:`,
  whatToDo: "  what to do:",
  verified: (scheme: string) => `accepted: the sign verifies (${scheme})`,
  absent: (policy: string) => `accepted: no sign, allowed by RESPONSE_SIGNATURE=${policy}`,
  mismatch: (policy: string) => `accepted, with a warning: the sign does not verify, allowed only by RESPONSE_SIGNATURE=${policy}`,
  refused: (r: Refusal) => `NOT accepted (${r.code}): ${r.message}`,
  allAccepted: (count: number) => `All ${count} merchant(s): the Worker would accept PAYJS's answer (exit 0).`,
  someRefused: (refused: number, count: number) =>
    `${refused} of ${count} merchant(s): the Worker would NOT accept PAYJS's answer (exit 1).`,
  /** Where a merchant's id and key are set, for advice. */
  keySetting: (single: boolean, mchid: string) =>
    single ? `PAYJS_KEY (the key of mchid ${mchid})` : `the "key" of mchid ${mchid} in PAYJS_MERCHANTS`,
  mchidSetting: (single: boolean, mchid: string) => (single ? "PAYJS_MCHID" : `the "mchid" ${mchid} in PAYJS_MERCHANTS`),
};

const advice = {
  otherScheme: (scheme: string, schemes: string) =>
    `The sign verifies by the ${scheme} scheme (not the PHP SDK's php-sdk): fine, the Worker checks every known scheme (${schemes}) and /api/status shows the one that matched.`,
  deploy: (ready: boolean, secrets: string[]) =>
    `${ready ? "ready: deploy —" : "Then"} run \`npm run setup\`: it sets ${list(secrets)} as secrets (never in wrangler.toml), makes the tokens and deploys.`,
  absent: (policy: string) =>
    `PAYJS's answer carries no sign; it is accepted only because RESPONSE_SIGNATURE=${policy}. The Worker cannot tell a changed answer from a real one: /api/status reports "absent" and the dashboard warns.`,
  policy: (policy: string) =>
    `Keep RESPONSE_SIGNATURE=${policy} in .dev.vars (or the environment): \`npm run setup\` deploys it with the Worker, so the deployed Worker decides as the doctor did.`,
  mismatchWarning: (schemes: string) =>
    `Warning: the sign verifies by none of the known schemes (${schemes}); the answer is accepted only because RESPONSE_SIGNATURE=report.`,
  keyCheck: (keySetting: string) =>
    `First check ${keySetting}: a wrong key gives exactly this. Copy it again from the PAYJS merchant console.`,
  unpublishedRisk:
    "If the key is right, PAYJS signs its answers in a way it has not published. Running on unverified answers is a conscious risk: a changed answer would be stored as real. /api/status and the dashboard warn while it lasts.",
  badSignature: (schemes: string, policy: string) =>
    `The sign of PAYJS's answer verifies by none of the known schemes (${schemes}), so the Worker with RESPONSE_SIGNATURE=${policy} refuses it.`,
  reportOption:
    "If the key is right, PAYJS signs its answers in a way it has not published: you can run on unverified answers with RESPONSE_SIGNATURE=report (in .dev.vars, which setup deploys); /api/status and the dashboard then warn. That is a conscious risk: a changed answer would be stored as real.",
  unsigned: "PAYJS answered without a sign, and RESPONSE_SIGNATURE=strict refuses that.",
  allowUnsigned:
    "To accept answers without a sign (a wrong sign is still refused), set RESPONSE_SIGNATURE=if_present (or report, which also takes wrong signs) in .dev.vars, which setup deploys.",
  signError: (signError: string, keySetting: string, mchidSetting: string) =>
    `PAYJS refused the sign of our request (${signError}): check ${keySetting} and ${mchidSetting}. The key must be the one PAYJS shows for this mchid.`,
  refusedSilently: (message: string) =>
    `PAYJS's answer has no return_code 1 and no message (${message}); its field names are listed above.`,
  refusedSaying: (said: string) => `PAYJS refused the call and said: ${said}`,
  fixRefusal: (mchidSetting: string) =>
    `Fix what it names (the merchant's account at PAYJS, or ${mchidSetting}), then run the doctor again. PAYJS asks for at most one call per 4 hours; if it says the calls are too frequent, wait.`,
  httpTransient: (status: number) =>
    `PAYJS (or something in front of it) answered HTTP ${status}: PAYJS or the network is failing from here.`,
  httpOther: (base: string, status: number) =>
    `${base}/complaint answered HTTP ${status}: check PAYJS_API_BASE (the default is https://payjs.cn/api).`,
  transientTail: (base: string) =>
    `Check PAYJS_API_BASE (now ${base}), and try again later; the Worker retries such failures with backoff.`,
  timeout: (ms: number) => `No answer within UPSTREAM_TIMEOUT_MS=${ms} ms: PAYJS or the network is failing or slow from here.`,
  raiseTimeout: "If PAYJS is merely slow, raise UPSTREAM_TIMEOUT_MS (at most 60000).",
  network: (base: string, code: string | null) =>
    `Could not connect to ${base}${code === null ? "" : `: ${NETWORK_REASONS[code] ?? "the connection failed"} (${code})`}. PAYJS or the network is failing from here (DNS, firewall, proxy).`,
  notJson:
    "The answer is not JSON (an HTML page: a proxy, captive portal or firewall, not PAYJS's API): PAYJS or the network is failing from here.",
  badShape: (message: string) =>
    `PAYJS's answer has a shape the Worker refuses (${message}). Nothing to set: try again later, and report it if it persists (the field names above help).`,
};

const setup = {
  usage: `Usage: npm run setup [-- --yes] [-- --channels FILE] [-- --domain NAME [--replace-dns]] [-- --lang en|zh]
  Deploys this Worker to your Cloudflare account: checks each PAYJS merchant as the Worker would (the doctor's
  check), makes read and admin tokens unless API_TOKENS and ADMIN_TOKEN are set, sends a test message to each
  alert channel, and runs wrangler deploy with the secrets. Reads PAYJS_MCHID and PAYJS_KEY, or PAYJS_MERCHANTS
  (and API_TOKENS, ADMIN_TOKEN, RESPONSE_SIGNATURE, PAYJS_API_BASE, PUBLIC_URL) from the environment, then
  .dev.vars; asks for what is missing, and offers to add alert channels.
  --yes            never ask: exit 2 naming what is missing
  --channels FILE  a NOTIFY_CHANNELS JSON file (alert channels), checked before anything is deployed
  --domain NAME    also serve the Worker at https://NAME (a custom domain; its zone must be on your Cloudflare
                   account); a NAME that has DNS records is refused unless --replace-dns is given
  --lang en|zh     the language (default: the locale's, LC_ALL, LC_MESSAGES or LANG)
  The wrangler run is \`npx wrangler\`, or $WRANGLER when set.
Exit 0: deployed; 1: a merchant's answer would be refused, a channel's test failed, or the deploy failed;
2: the settings or arguments are wrong.`,
  again: "setup",
  needsFile: "--channels needs a FILE",
  needsDomain: "--domain needs a NAME, e.g. watch.example.com",
  badDomain: (name: string) => `--domain takes a host name such as watch.example.com, not ${JSON.stringify(name)}`,
  replaceDnsAlone: "--replace-dns goes with --domain NAME",
  askCredentials: "Setup needs the PAYJS merchant's id and key (from the PAYJS merchant console):",
  askMchid: "PAYJS_MCHID (the merchant id): ",
  askKey: "PAYJS_KEY (the merchant's key; not shown as you type): ",
  noAnswer: (name: string) => `no ${name} given; nothing was deployed`,
  stoppedAtQuestion: "stopped at a question; nothing was deployed",
  endOfInput: "no answer (end of input); nothing was deployed",
  missing: (missing: readonly string[], yes: boolean) => {
    const [first] = missing;
    const other = first === "PAYJS_KEY" ? "PAYJS_MCHID" : "PAYJS_KEY";
    const what = missing.length === 2 ? "PAYJS_MCHID and PAYJS_KEY (or PAYJS_MERCHANTS)" : `${first} (${other} is set)`;
    const how = yes ? "run without --yes to be asked" : "run setup in a terminal to be asked";
    return `missing ${what}: set ${missing.length === 2 ? "them" : "it"} in the environment or .dev.vars, or ${how}`;
  },
  readTokensEmpty: "API_TOKENS holds no token",
  readTokenSpace: "API_TOKENS: a token holds a space; separate tokens with commas",
  publishedToken: (setting: string, token: string) =>
    `${setting} holds ${token}, npm run dev's published token; remove it from .dev.vars and setup makes new ones`,
  adminTokenSpace: "ADMIN_TOKEN holds a space or comma; it is one token",
  adminTokenClash: "ADMIN_TOKEN must differ from every read token in API_TOKENS",
  channelsUnreadable: (file: string, code: string) => `${file}: cannot be read (${code})`,
  channelsEmpty: (file: string) => `${file}: the file is empty`,
  channelsBad: (file: string, problem: string) => `${file}: ${problem}`,
  step1: "1/5 The doctor's check: one call per merchant to PAYJS, as the Worker makes it.",
  unverified: "    (the Worker will run on answers whose sign it cannot verify; /api/status and the dashboard warn)",
  localApiBase: "    Warning: PAYJS_API_BASE is on this machine; the Worker on Cloudflare cannot reach it (a rehearsal only).",
  tooFrequent: (mchid: string, said: string) =>
    `    ${mchid}: PAYJS said it was asked too often ("${said}"), so this check tells nothing; deploying anyway. The Worker tries again within 30 minutes, and "watcher started" says what PAYJS answered.`,
  nothingDeployed: "Nothing was deployed.",
  step2: "2/5 Tokens.",
  usingGiven: (names: TokenSetting[]) => `Using ${names.map((n) => `${n} as given`).join(" and ")}.`,
  shortToken: (name: TokenSetting) =>
    `Warning: ${name} holds a token shorter than 32 characters (an example's?); anyone who guesses it gets in.`,
  madeTokens: (made: TokenSetting[]) => `Made a new ${made.map(tokenName).join(" and a new ")} (printed once, at the end).`,
  oldTokensStop: (made: TokenSetting[], earlier: Earlier | null) => {
    const old = made.length === 2 ? "tokens" : tokenName(made[0] as TokenSetting);
    const stop = made.length === 2 ? "stop" : "stops";
    if (earlier === null) return `If this Worker was deployed before, its old ${old} ${stop} working with this deploy.`;
    const where = earlier.url === null ? "" : ` (${earlier.url})`;
    return `The ${old} from the setup of ${shownTime(earlier.deployedAt)}${where} ${stop} working with this deploy.`;
  },
  keepOldTokens: (made: TokenSetting[]) =>
    `To keep old tokens instead, set ${made.join(" and ")} (environment or .dev.vars) and run setup again.`,
  confirmNewTokens: "    Deploy with new tokens?",
  cancelled: "Nothing was deployed.",
  step4: (command: string, extra: string) => `4/5 ${command} deploy --secrets-file <a temporary file>${extra}`,
  domainArgs: (name: string) => ` --config <a copy of wrangler.toml with workers_dev = true> --domains ${name}`,
  step4Secrets: (names: string[]) => `    secrets: ${names.join(", ")}`,
  interrupted: (signal: string) => `wrangler was stopped (${signal}); the secrets file is removed`,
  deployFailed: (code: number | null) =>
    `wrangler deploy failed (exit ${code}); nothing else was changed by setup.\nNot logged in to Cloudflare? Run \`npx wrangler login\` (or set CLOUDFLARE_API_TOKEN). Several accounts? Set CLOUDFLARE_ACCOUNT_ID. A custom domain? Its zone must be on that account. Then run setup again.`,
  cannotStart: (command: string, why: string) => `could not start ${command}: ${why}`,
  notFound: (file: string) => `${file} was not found`,
  deployed: (url: string) => `5/5 Deployed to ${url}.`,
  deployedNoAddress: "5/5 Deployed, but wrangler printed no address setup recognises.",
};

const domain = {
  checking: (name: string) => `Custom domain ${name}: checking its DNS records first (wrangler would replace them without asking).`,
  free: (name: string) => `    ${name} has no A, AAAA or CNAME record: wrangler will add it as the Worker's custom domain.`,
  notChecked: (name: string) => `Custom domain ${name}: DNS not checked (--replace-dns); wrangler replaces any record it has.`,
  taken: (name: string, records: string[]) =>
    `${name} already has DNS records (${records.join(", ")}); wrangler would replace them without asking, so nothing was deployed. Choose a name without records, or add --replace-dns to let wrangler replace them (if they are this Worker's own, from an earlier setup, that is safe).`,
  unchecked: (name: string, code: string) =>
    `could not check the DNS records of ${name} (${code}); nothing was deployed. Check the network and run setup again, or add --replace-dns to skip the check (wrangler then replaces any A, AAAA or CNAME record of ${name}).`,
};

const channels = {
  none: "3/5 Alert channels: none (add them with --channels FILE).",
  fromFile: (file: string) => `3/5 Alert channels: ${file} is valid.`,
  ask: "3/5 Alert channels: where should alerts go? (Enter skips a question.)",
  askWecom: "    Add a WeCom group robot?",
  wecomUrl: "    The robot's webhook address (not shown as you type): ",
  askPushplus: "    Add PushPlus (messages to your personal WeChat)?",
  pushplusToken: "    Your PushPlus token (not shown as you type): ",
  askWxpusher: "    Add WxPusher (messages to your personal WeChat)?",
  wxpusherToken: "    The WxPusher appToken, AT_… (not shown as you type): ",
  wxpusherUid: "    The UID to send to, UID_…: ",
  badAnswer: (problem: string) => `    That does not work (${problem}). Type it again, or press Enter to skip.`,
  skipped: "    Skipped.",
  noneChosen: "    None added: this setup sets no alert channel (add them later with --channels FILE).",
  testing: "    A test message to each channel, sent from this machine as the Worker sends it:",
  typeName: (type: string) => CHANNEL_TYPES[type] ?? type,
  passed: (name: string, type: string) => `    ✓ ${name} (${CHANNEL_TYPES[type] ?? type}): delivered`,
  failed: (name: string, type: string, _code: string, message: string) =>
    `    ✗ ${name} (${CHANNEL_TYPES[type] ?? type}): failed; the platform answered: ${message}`,
  failedError: (names: string[]) =>
    `the test message to ${list(names)} failed; nothing was deployed. Fix the channel (the platform's answer is above) and run setup again.`,
};

const publicUrl = {
  fromDomain: (url: string) => `    PUBLIC_URL: ${url} (--domain), as a secret`,
  fromSettings: (url: string, source: Source) => `    PUBLIC_URL: ${url} (from ${sourceName[source]}), as a secret`,
  later: "    PUBLIC_URL: set after the deploy to the address wrangler reports",
  putting: (command: string, url: string) => `    PUBLIC_URL: ${command} secret put PUBLIC_URL (${url}, on its standard input)`,
  putFailed: (code: number | null, url: string) =>
    `wrangler secret put PUBLIC_URL failed (exit ${code}): the Worker runs, but alerts carry no link to the dashboard. Run \`npx wrangler secret put PUBLIC_URL\` and type ${url}.`,
  noAddress: (workerName: string) =>
    `PUBLIC_URL is not set (wrangler printed no address): run \`npx wrangler secret put PUBLIC_URL\` and type the Worker's address (Cloudflare dashboard → Workers & Pages → ${workerName}).`,
};

const report = {
  title: "Deployed. Keep these now: setup stores no token, and prints them only this once.",
  noAddress: (workerName: string) => [
    "  Worker:       wrangler printed no address: find it in the Cloudflare dashboard,",
    `                Workers & Pages → ${workerName} (the dashboard is that address + /).`,
  ],
  worker: (url: string) => `  Worker:       ${url}`,
  dashboard: (url: string) => `  Dashboard:    ${url}/`,
  read: (several: boolean, tokens: string, given: boolean) =>
    `  ${several ? "Read tokens:" : "Read token: "}  ${tokens}${given ? "   (as given)" : ""}`,
  admin: (token: string, given: boolean) => `  Admin token:  ${token}${given ? "   (as given)" : ""}`,
  next: "Next:",
  signIn: "  - Open the dashboard and sign in with the read token (the admin token also marks complaints handled).",
  tryApi: "  - Try the API (the read token in place of <read token>; in PowerShell, curl.exe):",
  addressPlaceholder: "https://<the Worker's address>",
  readPlaceholder: "<read token>",
  kept: (names: string[]) =>
    `  - ${list(names)} ${names.length === 1 ? "is" : "are"} kept on the Worker as secrets, so a later \`npm run deploy\` keeps ${names.length === 1 ? "it" : "them"}.`,
  keepDomain: (url: string) => `  - Put PUBLIC_URL="${url}" in .dev.vars: a later setup then keeps this address.`,
  replaced: (earlier: Earlier) =>
    `  - The tokens from the setup of ${shownTime(earlier.deployedAt)} no longer work: hand out the new ones.`,
  firstAlert:
    'The first alert, "监控已启动" (watcher started), reaches your alert channels within 25 minutes of this deploy: Cloudflare takes up to 15 minutes to apply new cron triggers, and the cron fires every 10 minutes.',
  noChannels:
    'No alert channel was set by this setup, so nothing tells you the watcher started. Add one (--channels FILE, or setup in a terminal) and "监控已启动" (watcher started) comes within 25 minutes of that deploy.',
  mainland: (customUrl: string | null) =>
    customUrl === null
      ? "Alerts arrive even where *.workers.dev cannot be opened (mainland China). There, the dashboard needs a custom domain: npm run setup -- --domain watch.example.com (docs/deploy.md#custom-domain)."
      : `Alerts arrive even where *.workers.dev cannot be opened (mainland China); there, open the dashboard at ${customUrl}.`,
};

const signInLink = {
  /** The first device's name, as the dashboard lists it. */
  deviceName: "Admin phone",
  asking: (url: string) => `    A sign-in code for a first admin device: POST ${url}/api/devices`,
  title: "Sign in on your phone: scan this code with WeChat (Scan), or open the link on the phone. That phone becomes an admin device.",
  link: (url: string) => `  Link: ${url}`,
  expires: (iso: string) =>
    `  It works once, until ${localTime(iso)} (this computer's time). After that, make a new one in the dashboard: Add device (添加设备).`,
  narrow: (columns: number) =>
    `  (The code needs a window ${columns} columns wide: if it looks broken, use Add device (添加设备) in the dashboard instead.)`,
  failure: (code: SignInLinkFailure, detail: string | null): string => {
    if (code === "timeout") return `no answer within ${Number(detail) / 1000} s`;
    if (code === "http") return `it answered HTTP ${detail}`;
    if (code === "bad_answer") return "its answer held no sign-in link";
    return detail === null ? "could not connect" : `could not connect: ${NETWORK_REASONS[detail] ?? "the connection failed"} (${detail})`;
  },
  unreachable: (why: string) =>
    `Setup could not get a sign-in code from the Worker (${why}): the address may be blocked from here (*.workers.dev often is in mainland China), or not serving yet.`,
  fromDashboard:
    "To sign in on your phone: open the dashboard on this computer, sign in with the admin token, choose Add device (添加设备), and scan the code it shows with WeChat.",
};

export const en = { cli, doctor, advice, setup, domain, channels, publicUrl, report, signInLink };

/** The shape of every language's table. */
export type Messages = typeof en;
