/**
 * Every message of a language table of `npm run setup` and `npm run doctor` (scripts/i18n/), each filled in with
 * plausible values (several variants where a message has branches), so a test can read them all. Typed by the
 * table: a message missing here is a compile error.
 */
import type { Messages } from "../../scripts/i18n";

type Samples = { [G in keyof Messages]: Record<keyof Messages[G], string | string[]> };

const BASE = "https://payjs.cn/api";
const TOKENS = ["API_TOKENS", "ADMIN_TOKEN"] as const;
const EARLIER = { deployedAt: "2026-05-01T08:30:12.345Z", url: "https://w.example.workers.dev" };

function refusals(m: Messages): string[] {
  const codes = ["bad_signature", "unsigned", "upstream_error", "http_status", "timeout", "network", "not_json", "bad_shape"];
  return codes.flatMap((code) =>
    [null, "商户号已被禁用"].map((returnMsg) =>
      m.doctor.refused({ code, message: "PAYJS answered HTTP 502", returnMsg, httpStatus: 502, timeoutMs: 10_000 }),
    ),
  );
}

function doctor(m: Messages): Samples["doctor"] {
  const d = m.doctor;
  return {
    ...{ usage: d.usage, again: d.again, noMerchant: d.noMerchant, header: d.header(BASE), sourcesNone: d.sourcesNone },
    settingsLine: d.settingsLine("strict", 10_000, d.sources([[["PAYJS_MCHID", "PAYJS_KEY"], ".dev.vars"]])),
    sources: [d.sources([[["PAYJS_KEY"], "environment"]]), d.sources([[["PAYJS_MCHID"], "typed"]])],
    ...{ merchant: d.merchant("1500000001"), verdictLabel: d.verdictLabel, httpLabel: d.httpLabel, httpNone: d.httpNone },
    ...{ returnCodeLabel: d.returnCodeLabel, returnCodeNotInteger: d.returnCodeNotInteger, returnMsg: d.returnMsg("SUCCESS") },
    ...{ complaintsLabel: d.complaintsLabel, complaintsUnknown: d.complaintsUnknown, signatureLabel: d.signatureLabel },
    signature: [d.signature("verified", "php-sdk"), d.signature("absent", null), d.signature("mismatch", null), d.signature(null, null)],
    ...{ fieldsLabel: d.fieldsLabel, complaintFieldsLabel: d.complaintFieldsLabel, whatToDo: d.whatToDo },
    ...{ complaintList: [d.complaintList(true), d.complaintList(false)], verified: d.verified("raw-key") },
    ...{ absent: d.absent("if_present"), mismatch: d.mismatch("report"), refused: refusals(m) },
    ...{ allAccepted: d.allAccepted(2), someRefused: d.someRefused(1, 2) },
    keySetting: [d.keySetting(true, "1500000001"), d.keySetting(false, "1500000001")],
    mchidSetting: [d.mchidSetting(true, "1500000001"), d.mchidSetting(false, "1500000001")],
  };
}

function advice(m: Messages): Samples["advice"] {
  const a = m.advice;
  return {
    ...{ otherScheme: a.otherScheme("raw-key", "php-sdk, raw-key"), absent: a.absent("if_present"), policy: a.policy("report") },
    deploy: [a.deploy(true, ["PAYJS_MCHID", "PAYJS_KEY"]), a.deploy(false, ["PAYJS_MERCHANTS"])],
    ...{ mismatchWarning: a.mismatchWarning("php-sdk, raw-key"), keyCheck: a.keyCheck("PAYJS_KEY"), unpublishedRisk: a.unpublishedRisk },
    ...{ badSignature: a.badSignature("php-sdk, raw-key", "strict"), reportOption: a.reportOption, unsigned: a.unsigned },
    ...{ allowUnsigned: a.allowUnsigned, signError: a.signError("签名错误", "PAYJS_KEY", "PAYJS_MCHID") },
    ...{ refusedSilently: a.refusedSilently("PAYJS refused: return_code is not 1"), refusedSaying: a.refusedSaying("商户号已被禁用") },
    ...{ fixRefusal: a.fixRefusal("PAYJS_MCHID"), httpTransient: a.httpTransient(502), httpOther: a.httpOther(BASE, 404) },
    ...{ transientTail: a.transientTail(BASE), timeout: a.timeout(300), raiseTimeout: a.raiseTimeout, notJson: a.notJson },
    network: [a.network(BASE, "ECONNREFUSED"), a.network(BASE, "EWHATEVER"), a.network(BASE, null)],
    badShape: a.badShape("complaints item 0 is not an object"),
  };
}

type TokenKeys =
  | "usingGiven"
  | "shortToken"
  | "madeTokens"
  | "oldTokensStop"
  | "keepOldTokens"
  | "confirmNewTokens"
  | "cancelled"
  | "readTokensEmpty"
  | "readTokenSpace"
  | "publishedToken"
  | "adminTokenSpace"
  | "adminTokenClash";

function setupTokens(m: Messages): Pick<Samples["setup"], TokenKeys> {
  const s = m.setup;
  return {
    ...{ usingGiven: s.usingGiven([...TOKENS]), shortToken: s.shortToken("API_TOKENS"), madeTokens: s.madeTokens([...TOKENS]) },
    oldTokensStop: [s.oldTokensStop([...TOKENS], null), s.oldTokensStop(["ADMIN_TOKEN"], EARLIER)],
    ...{ keepOldTokens: s.keepOldTokens([...TOKENS]), confirmNewTokens: s.confirmNewTokens, cancelled: s.cancelled },
    ...{
      readTokensEmpty: s.readTokensEmpty,
      readTokenSpace: s.readTokenSpace,
      publishedToken: s.publishedToken("API_TOKENS", "dev-read-token"),
    },
    ...{ adminTokenSpace: s.adminTokenSpace, adminTokenClash: s.adminTokenClash },
  };
}

function setup(m: Messages): Samples["setup"] {
  const s = m.setup;
  return {
    ...setupTokens(m),
    ...{ usage: s.usage, again: s.again, needsFile: s.needsFile, needsDomain: s.needsDomain, badDomain: s.badDomain("https://x") },
    ...{ replaceDnsAlone: s.replaceDnsAlone, askCredentials: s.askCredentials, askMchid: s.askMchid, askKey: s.askKey },
    ...{ noAnswer: s.noAnswer("PAYJS_KEY"), stoppedAtQuestion: s.stoppedAtQuestion, endOfInput: s.endOfInput },
    missing: [s.missing(["PAYJS_MCHID", "PAYJS_KEY"], true), s.missing(["PAYJS_KEY"], false), s.missing(["PAYJS_MCHID"], true)],
    ...{ channelsUnreadable: s.channelsUnreadable("c.json", "ENOENT"), channelsEmpty: s.channelsEmpty("c.json") },
    ...{ channelsBad: s.channelsBad("c.json", "NOTIFY_CHANNELS"), step1: s.step1, unverified: s.unverified },
    ...{
      localApiBase: s.localApiBase,
      tooFrequent: s.tooFrequent("1500000001", "请求过于频繁"),
      nothingDeployed: s.nothingDeployed,
      step2: s.step2,
    },
    ...{ step4: s.step4("npx wrangler", s.domainArgs("w.example")), domainArgs: s.domainArgs("w.example") },
    ...{ step4Secrets: s.step4Secrets(["PAYJS_KEY", "PUBLIC_URL"]), interrupted: s.interrupted("SIGINT") },
    ...{ deployFailed: s.deployFailed(1), cannotStart: s.cannotStart("npx wrangler", s.notFound("npx")), notFound: s.notFound("npx") },
    ...{ deployed: s.deployed("https://w.example"), deployedNoAddress: s.deployedNoAddress },
  };
}

function channels(m: Messages): Samples["channels"] {
  const c = m.channels;
  return {
    ...{ none: c.none, fromFile: c.fromFile("c.json"), ask: c.ask, askWecom: c.askWecom, wecomUrl: c.wecomUrl },
    ...{ askPushplus: c.askPushplus, pushplusToken: c.pushplusToken, askWxpusher: c.askWxpusher, wxpusherToken: c.wxpusherToken },
    ...{ wxpusherUid: c.wxpusherUid, badAnswer: c.badAnswer("NOTIFY_CHANNELS"), skipped: c.skipped, noneChosen: c.noneChosen },
    ...{ testing: c.testing, typeName: ["wecom", "pushplus", "wxpusher", "webhook"].map(c.typeName) },
    passed: [c.passed("wecom", "wecom"), c.passed("hook", "webhook")],
    failed: ["platform_error", "http_error", "network", "timeout"].map((code) =>
      c.failed("wecom", "wecom", code, "errcode 93000: invalid webhook url"),
    ),
    failedError: [c.failedError(["wecom"]), c.failedError(["wecom", "pushplus", "wxpusher"])],
  };
}

function report(m: Messages): Samples["report"] {
  const r = m.report;
  return {
    ...{ title: r.title, noAddress: r.noAddress("payjs-complaint-watch"), worker: r.worker(BASE), dashboard: r.dashboard(BASE) },
    ...{ read: [r.read(false, "t", false), r.read(true, "a,b", true)], admin: [r.admin("t", false), r.admin("t", true)] },
    ...{ next: r.next, signIn: r.signIn, tryApi: r.tryApi, addressPlaceholder: r.addressPlaceholder, readPlaceholder: r.readPlaceholder },
    ...{ kept: [r.kept(["PUBLIC_URL"]), r.kept(["PAYJS_API_BASE", "PUBLIC_URL"])], keepDomain: r.keepDomain("https://w.example") },
    ...{ replaced: r.replaced(EARLIER), firstAlert: r.firstAlert, noChannels: r.noChannels },
    mainland: [r.mainland(null), r.mainland("https://w.example")],
  };
}

function signInLink(m: Messages): Samples["signInLink"] {
  const s = m.signInLink;
  const url = "https://w.example/#signin=AbCdEfGhIjKlMnOpQrStUv";
  return {
    ...{ deviceName: s.deviceName, asking: s.asking("https://w.example"), title: s.title, link: s.link(url) },
    ...{ expires: s.expires("2026-05-01T08:40:12.345Z"), narrow: s.narrow(82), fromDashboard: s.fromDashboard },
    failure: [s.failure("timeout", "5000"), s.failure("http", "404"), s.failure("bad_answer", null)],
    unreachable: [null, "ENOTFOUND", "EWHATEVER"].map((code) => s.unreachable(s.failure("network", code))),
  };
}

/** Every message of `m`, filled in. */
export function messageSamples(m: Messages): Samples {
  const { cli, domain, publicUrl: p } = m;
  return {
    cli: {
      ...{ hidden: cli.hidden, yes: String(cli.yes), yesNo: cli.yesNo, badLang: cli.badLang("fr") },
      ...{ unknownArgument: cli.unknownArgument("--force"), settingsWrong: cli.settingsWrong("doctor", "X", "PAYJS_KEY", "again") },
      ...{
        unexpected: cli.unexpected("setup", "TypeError: x"),
        configProblem: cli.configProblem("PAYJS_KEY", "is missing (PAYJS_MCHID is set)"),
      },
    },
    doctor: doctor(m),
    advice: advice(m),
    setup: setup(m),
    domain: {
      ...{ checking: domain.checking("w.example"), free: domain.free("w.example"), notChecked: domain.notChecked("w.example") },
      ...{ taken: domain.taken("w.example", ["A 192.0.2.1", "CNAME x.example"]), unchecked: domain.unchecked("w.example", "ETIMEOUT") },
    },
    channels: channels(m),
    publicUrl: {
      ...{ fromDomain: p.fromDomain("https://w.example"), later: p.later, putting: p.putting("npx wrangler", "https://w.example") },
      fromSettings: [p.fromSettings("https://w.example", ".dev.vars"), p.fromSettings("https://w.example", "environment")],
      ...{ putFailed: p.putFailed(1, "https://w.example"), noAddress: p.noAddress("payjs-complaint-watch") },
    },
    report: report(m),
    signInLink: signInLink(m),
  };
}

/** All of them as lines of text. */
export function sampleText(m: Messages): string {
  return Object.values(messageSamples(m))
    .flatMap((group) => Object.values(group as Record<string, string | string[]>))
    .flat()
    .join("\n");
}
