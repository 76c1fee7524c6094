/**
 * Everything `npm run setup` and `npm run doctor` print, in Chinese: the same keys as en.ts ({@link Messages}),
 * worded for a merchant who reads little English — short sentences, the words of docs/zh-CN/glossary.md, and what
 * to do next. Codes, commands, setting names and URLs stay as they are; text from elsewhere (PAYJS's
 * `return_msg`, a platform's answer) is quoted in 「」.
 * @module
 */
import { beijingTextOf } from "../../src/domain/time";
import type { Source } from "../doctor/settings";
import type { TokenSetting } from "../setup/inputs";
import type { Earlier, Messages, Refusal } from "./en";
import { translateConfigProblem } from "./zh-config";

const list = (names: readonly string[]): string =>
  names.length < 2 ? names.join("") : `${names.slice(0, -1).join("、")} 和 ${names.at(-1)}`;
const tokenName = (name: TokenSetting): string => (name === "API_TOKENS" ? "只读令牌" : "管理令牌");
/** `来自环境变量`, `来自 .dev.vars`, `来自刚才的输入`. */
const from = (source: Source): string => ({ environment: "来自环境变量", ".dev.vars": "来自 .dev.vars", typed: "来自刚才的输入" })[source];
/** `2026-05-01T08:30:12.345Z` as `2026-05-01 16:30（北京时间）`. */
function shownTime(iso: string): string {
  const text = beijingTextOf(iso);
  return text === iso ? iso : `${text}（北京时间）`;
}

/** `2026-05-01T08:30:12.345Z` as `16:30` (Beijing). */
function beijingTime(iso: string): string {
  const text = beijingTextOf(iso);
  return text === iso ? iso : text.slice(11, 16);
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "连接被拒绝：这个地址和端口上没有服务",
  ENOTFOUND: "域名解析不到（DNS）",
  EAI_AGAIN: "域名暂时解析不了（DNS）",
  ECONNRESET: "连接被断开",
  EHOSTUNREACH: "连不到这台主机",
  ENETUNREACH: "网络不通",
  ETIMEDOUT: "连接超时",
};

const CHANNEL_TYPES: Record<string, string> = { wecom: "企业微信群机器人", pushplus: "PushPlus", wxpusher: "WxPusher" };

const REFUSALS: Record<string, (r: Refusal) => string> = {
  bad_signature: () => "PAYJS 回答的签名对不上",
  unsigned: () => "PAYJS 的回答没有签名",
  upstream_error: (r) => (r.returnMsg === null ? "PAYJS 拒绝了查询" : `PAYJS 拒绝了查询：「${r.returnMsg}」`),
  http_status: (r) => `PAYJS 回答了 HTTP ${r.httpStatus ?? "?"}`,
  timeout: (r) => `PAYJS 在 ${r.timeoutMs} 毫秒内没有回答`,
  network: () => "连不上 PAYJS",
  not_json: () => "回答不是 JSON",
  bad_shape: () => "回答的格式 Worker 不接受",
};

const SIGNATURES = { verified: "验证通过", absent: "没有签名", mismatch: "对不上" } as const;

const cli: Messages["cli"] = {
  hidden: "[已隐藏]",
  yes: /^\s*(y|yes|是|好)\s*$/i,
  yesNo: "[y/N] ",
  badLang: (value) => `--lang 只能是 en 或 zh，不能是 ${JSON.stringify(value)}`,
  unknownArgument: (arg) => `不认识的参数 ${arg}`,
  settingsWrong: (tool, problem, setting, again) =>
    `${tool}：设置有误。${problem}\n请在环境变量或 .dev.vars 里改好 ${setting}，再运行 \`${again}\`。\n`,
  unexpected: (tool, message) => `${tool}：出现了意外错误：「${message}」\n`,
  configProblem: translateConfigProblem,
};

const doctor: Messages["doctor"] = {
  usage: `用法：npm run doctor [-- --json] [-- --show] [-- --lang en|zh]
  按 Worker 的方式，给环境变量或 .dev.vars 里的每个商户向 PAYJS 查询一次，
  告诉你 Worker 会不会接受 PAYJS 的回答，以及要设置或检查什么。
  --json       改为输出一个 JSON 对象
  --show       同时列出每条投诉的 id、complaint_at 和 body
  --lang en|zh 输出语言（默认看系统语言：LC_ALL、LC_MESSAGES 或 LANG）
退出码 0：全部会被接受；1：有的不会；2：设置有误。`,
  again: "npm run doctor",
  noMerchant: "没有设置商户：请设置 PAYJS_MCHID 和 PAYJS_KEY，或者 PAYJS_MERCHANTS",
  header: (base) => `PAYJS 检查：按 Worker 的方式，每个商户向 ${base}/complaint 查询一次。不保存任何数据。`,
  settingsLine: (policy, timeoutMs, sources) => `设置：RESPONSE_SIGNATURE=${policy}，UPSTREAM_TIMEOUT_MS=${timeoutMs}（${sources}）。`,
  sourcesNone: "都没有设置",
  sources: (parts) => parts.map(([names, source]) => `${names.join("、")} ${from(source)}`).join("；"),
  merchant: (label) => `商户 ${label}`,
  verdictLabel: "  结论：",
  httpLabel: "  HTTP 状态：",
  httpNone: "无（没有收到 HTTP 回答）",
  returnCodeLabel: "  return_code：",
  returnCodeNotInteger: "（不是整数）",
  returnMsg: (msg) => `（PAYJS 说：「${msg}」）`,
  complaintsLabel: "  投诉数：",
  complaintsUnknown: "不知道（回答里没有投诉列表）",
  signatureLabel: "  签名：",
  signature: (result, scheme) => `${result === null ? "没有检查" : SIGNATURES[result]}${scheme === null ? "" : `（方案 ${scheme}）`}`,
  fieldsLabel: "  字段：",
  complaintFieldsLabel: "  投诉的字段：",
  complaintList: (accepted) => `  投诉列表${accepted ? "" : "（Worker 不会接受）"}：`,
  whatToDo: "  下一步：",
  verified: (scheme) => `Worker 会接受：签名验证通过（${scheme}）`,
  absent: (policy) => `Worker 会接受：没有签名，因为 RESPONSE_SIGNATURE=${policy} 允许`,
  mismatch: (policy) => `Worker 会接受，但要注意：签名对不上，只因为 RESPONSE_SIGNATURE=${policy} 才接受`,
  refused: (r) => `Worker 不会接受（${r.code}）：${(REFUSALS[r.code] ?? (() => "回答有问题"))(r)}`,
  allAccepted: (count) => `全部 ${count} 个商户：Worker 会接受 PAYJS 的回答（退出码 0）。`,
  someRefused: (refused, count) => `${count} 个商户中有 ${refused} 个：Worker 不会接受 PAYJS 的回答（退出码 1）。`,
  keySetting: (single, mchid) => (single ? `PAYJS_KEY（商户号 ${mchid} 的 PAYJS 通信密钥）` : `PAYJS_MERCHANTS 里商户号 ${mchid} 的 "key"`),
  mchidSetting: (single, mchid) => (single ? "PAYJS_MCHID" : `PAYJS_MERCHANTS 里的商户号 ${mchid}`),
};

const advice: Messages["advice"] = {
  otherScheme: (scheme, schemes) =>
    `签名按 ${scheme} 方案验证通过（不是 PHP SDK 的 php-sdk）。没关系：Worker 会试所有已知方案（${schemes}），/api/status 会显示用的是哪个。`,
  deploy: (ready, secrets) =>
    `${ready ? "可以部署了：" : "然后"}运行 \`npm run setup\`。它会把 ${list(secrets)} 设为加密变量（不写进 wrangler.toml），生成令牌，然后部署。`,
  absent: (policy) =>
    `PAYJS 的回答没有签名，只因为 RESPONSE_SIGNATURE=${policy} 才接受。Worker 分不出回答是否被改过：/api/status 会显示 "absent"，看板会提示。`,
  policy: (policy) =>
    `把 RESPONSE_SIGNATURE=${policy} 留在 .dev.vars（或环境变量）里。\`npm run setup\` 会一起部署，Worker 就和这次检查的判断一样。`,
  mismatchWarning: (schemes) => `注意：签名按所有已知方案（${schemes}）都对不上。只因为 RESPONSE_SIGNATURE=report 才接受。`,
  keyCheck: (keySetting) => `先检查 ${keySetting}：PAYJS 通信密钥填错就是这个结果。请从 PAYJS 商户后台重新复制。`,
  unpublishedRisk:
    "如果 PAYJS 通信密钥没错，那就是 PAYJS 用了没公开的签名方式。用没验证的回答运行是有风险的：被改过的回答也会被当真保存。这期间 /api/status 和看板会一直提示。",
  badSignature: (schemes, policy) =>
    `PAYJS 回答的签名按所有已知方案（${schemes}）都对不上，所以 RESPONSE_SIGNATURE=${policy} 的 Worker 不接受。`,
  reportOption:
    "如果 PAYJS 通信密钥没错，那就是 PAYJS 用了没公开的签名方式。可以在 .dev.vars 里设 RESPONSE_SIGNATURE=report（setup 会一起部署），接受没验证的回答；/api/status 和看板会提示。这有风险：被改过的回答也会被当真保存。",
  unsigned: "PAYJS 的回答没有签名，RESPONSE_SIGNATURE=strict 不接受。",
  allowUnsigned:
    "要接受没有签名的回答（签名错的仍然拒绝），在 .dev.vars 里设 RESPONSE_SIGNATURE=if_present（setup 会一起部署）。设成 report 则连签名错的也接受。",
  signError: (signError, keySetting, mchidSetting) =>
    `PAYJS 说我们请求的签名不对（「${signError}」）。请检查 ${keySetting} 和 ${mchidSetting}：PAYJS 通信密钥必须是 PAYJS 给这个商户号的那个。`,
  refusedSilently: () => "PAYJS 的回答里 return_code 不是 1，也没有说明。回答的字段列在上面。",
  refusedSaying: (said) => `PAYJS 拒绝了查询，它说：「${said}」`,
  fixRefusal: (mchidSetting) =>
    `按它说的改好（PAYJS 上的商户账号，或 ${mchidSetting}），再运行 \`npm run doctor\`。PAYJS 要求约 4 小时最多查询一次；如果它说查询太频繁，请等一等。`,
  httpTransient: (status) => `PAYJS（或它前面的服务）回答了 HTTP ${status}：从这里看，PAYJS 或网络出了问题。`,
  httpOther: (base, status) => `${base}/complaint 回答了 HTTP ${status}：请检查 PAYJS_API_BASE（默认是 https://payjs.cn/api）。`,
  transientTail: (base) => `请检查 PAYJS_API_BASE（现在是 ${base}），过一会儿再试。Worker 遇到这种失败会自动隔一段时间重试。`,
  timeout: (ms) => `UPSTREAM_TIMEOUT_MS=${ms} 毫秒内没有回答：从这里看，PAYJS 或网络出了问题，或者太慢。`,
  raiseTimeout: "如果只是 PAYJS 慢，可以调大 UPSTREAM_TIMEOUT_MS（最多 60000）。",
  network: (base, code) =>
    `连不上 ${base}${code === null ? "" : `：${NETWORK_REASONS[code] ?? "连接失败"}（${code}）`}。从这里看，PAYJS 或网络出了问题（DNS、防火墙、代理）。`,
  notJson: "回答不是 JSON（是一个网页：来自代理、网络登录页或防火墙，不是 PAYJS 的接口）。从这里看，PAYJS 或网络出了问题。",
  badShape: () => "PAYJS 回答的格式 Worker 不接受。不用改设置：过一会儿再试；一直这样就请报告（上面列出的字段名有帮助）。",
};

const setup: Messages["setup"] = {
  usage: `用法：npm run setup [-- --yes] [-- --channels 文件] [-- --domain 域名 [--replace-dns]] [-- --lang en|zh]
  把这个 Worker 部署到你的 Cloudflare 账号：先按 Worker 的方式检查每个 PAYJS 商户，
  生成只读令牌和管理令牌（已设置 API_TOKENS 和 ADMIN_TOKEN 时直接用），给每个提醒渠道发一条测试消息，
  然后带着加密变量运行 wrangler deploy。
  先从环境变量、再从 .dev.vars 读 PAYJS_MCHID 和 PAYJS_KEY（或 PAYJS_MERCHANTS），以及 API_TOKENS、ADMIN_TOKEN、
  RESPONSE_SIGNATURE、PAYJS_API_BASE、PUBLIC_URL；缺的会问你，也会问要不要添加提醒渠道。
  --yes            什么都不问：缺什么就以退出码 2 结束，并说出缺的是什么
  --channels 文件  NOTIFY_CHANNELS 的 JSON 文件（提醒渠道），部署前先检查
  --domain 域名    同时用 https://域名 访问 Worker（自定义域名，它的区域要在你的 Cloudflare 账号里）；
                   这个域名已有 DNS 记录时拒绝，除非加上 --replace-dns
  --lang en|zh     输出语言（默认看系统语言：LC_ALL、LC_MESSAGES 或 LANG）
  运行的是 \`npx wrangler\`；设置了 $WRANGLER 时运行它。
退出码 0：已部署；1：Worker 不会接受某个商户的回答、提醒渠道测试失败或部署失败；2：设置或参数有误。`,
  again: "npm run setup",
  needsFile: "--channels 后面要跟一个文件",
  needsDomain: "--domain 后面要跟一个域名，例如 watch.example.com",
  badDomain: (name) => `--domain 只要域名，例如 watch.example.com，不能是 ${JSON.stringify(name)}`,
  replaceDnsAlone: "--replace-dns 要和 --domain 域名 一起用",
  askCredentials: "部署需要 PAYJS 的商户号和 PAYJS 通信密钥（在 PAYJS 商户后台可以找到）：",
  askMchid: "PAYJS_MCHID（商户号）：",
  askKey: "PAYJS_KEY（PAYJS 通信密钥，输入时不显示）：",
  noAnswer: (name) => `没有输入 ${name}，什么都没有部署`,
  stoppedAtQuestion: "在提问时停止了，什么都没有部署",
  endOfInput: "没有收到回答（输入已结束），什么都没有部署",
  missing: (missing, yes) => {
    const [first] = missing;
    const other = first === "PAYJS_KEY" ? "PAYJS_MCHID" : "PAYJS_KEY";
    const what = missing.length === 2 ? "PAYJS_MCHID 和 PAYJS_KEY（或 PAYJS_MERCHANTS）" : `${first}（${other} 已设置）`;
    const how = yes ? "去掉 --yes 再运行，setup 会问你" : "在终端里运行 setup，它会问你";
    return `缺少 ${what}：请在环境变量或 .dev.vars 里设置，或者${how}`;
  },
  readTokensEmpty: "API_TOKENS 里没有令牌",
  readTokenSpace: "API_TOKENS 里有令牌带空格；多个令牌请用英文逗号分开",
  publishedToken: (setting, token) => `${setting} 里有 ${token}，这是 npm run dev 公开的令牌。请从 .dev.vars 删掉它，setup 会生成新的`,
  adminTokenSpace: "ADMIN_TOKEN 里有空格或逗号；它只能是一个令牌",
  adminTokenClash: "ADMIN_TOKEN 不能和 API_TOKENS 里的任何只读令牌相同",
  channelsUnreadable: (file, code) => `${file}：读不了（${code}）`,
  channelsEmpty: (file) => `${file}：文件是空的`,
  channelsBad: (file, problem) => `${file}：${problem}`,
  step1: "1/5 PAYJS 检查：按 Worker 的方式，每个商户向 PAYJS 查询一次。",
  unverified: "    （Worker 会在签名验证不了的情况下运行；/api/status 和看板会提示）",
  localApiBase: "    注意：PAYJS_API_BASE 在本机上，Cloudflare 上的 Worker 连不到它（只能用来演练）。",
  tooFrequent: (mchid: string, said: string) =>
    `    ${mchid}：PAYJS 说查询太频繁（「${said}」），这次检查看不出问题，照样部署。Worker 会在 30 分钟内再查，「监控已启动」会说 PAYJS 怎么回答的。`,
  nothingDeployed: "什么都没有部署。",
  step2: "2/5 令牌。",
  usingGiven: (names) => `使用已设置的 ${names.join(" 和 ")}。`,
  shortToken: (name) => `注意：${name} 里有令牌不到 32 个字符（是示例里的吗？），别人猜中就能进来。`,
  madeTokens: (made) => `已生成新的${made.map(tokenName).join("和")}（只在最后显示一次）。`,
  oldTokensStop: (made, earlier: Earlier | null) => {
    const old = made.map(tokenName).join("和");
    if (earlier === null) return `如果这个 Worker 以前部署过，原来的${old}在这次部署后失效。`;
    const where = earlier.url === null ? "" : `（${earlier.url}）`;
    return `${shownTime(earlier.deployedAt)} 那次 setup${where}生成的${old}，在这次部署后失效。`;
  },
  keepOldTokens: (made) => `想继续用原来的令牌：在环境变量或 .dev.vars 里设置 ${made.join(" 和 ")}，再运行 setup。`,
  confirmNewTokens: "    用新令牌部署吗？",
  cancelled: "什么都没有部署。",
  step4: (command, extra) => `4/5 部署：${command} deploy --secrets-file <临时文件>${extra}`,
  domainArgs: (name) => ` --config <wrangler.toml 的副本，加上 workers_dev = true> --domains ${name}`,
  step4Secrets: (names) => `    加密变量：${names.join(", ")}`,
  interrupted: (signal) => `wrangler 被停止了（${signal}）；加密变量的临时文件已删除`,
  deployFailed: (code) =>
    `\`wrangler deploy\` 失败了（退出码 ${code}）。setup 没有改动别的东西。\n还没登录 Cloudflare？运行 \`npx wrangler login\`（或设置 CLOUDFLARE_API_TOKEN）。有好几个账号？设置 CLOUDFLARE_ACCOUNT_ID。用了自定义域名？它的区域要在这个账号里。然后再运行 setup。`,
  cannotStart: (command, why) => `启动不了 ${command}：${why}`,
  notFound: (file) => `找不到 ${file}`,
  deployed: (url) => `5/5 已部署到 ${url}。`,
  deployedNoAddress: "5/5 已部署，但 wrangler 没有输出 setup 能认出的地址。",
};

const domain: Messages["domain"] = {
  checking: (name) => `自定义域名 ${name}：先查它的 DNS 记录（wrangler 会不问就替换掉它们）。`,
  free: (name) => `    ${name} 没有 A、AAAA 或 CNAME 记录：wrangler 会把它加为 Worker 的自定义域名。`,
  notChecked: (name) => `自定义域名 ${name}：没有查 DNS（--replace-dns）；它已有的记录会被 wrangler 替换。`,
  taken: (name, records) =>
    `${name} 已经有 DNS 记录（${records.join(", ")}）。wrangler 会不问就替换掉它们，所以什么都没有部署。请换一个没有记录的域名；或者加上 --replace-dns 让 wrangler 替换（如果这些记录是以前 setup 给这个 Worker 加的，可以放心替换）。`,
  unchecked: (name, code) =>
    `查不了 ${name} 的 DNS 记录（${code}），什么都没有部署。请检查网络后再运行 setup；或者加上 --replace-dns 跳过检查（wrangler 会替换 ${name} 已有的 A、AAAA 或 CNAME 记录）。`,
};

const channels: Messages["channels"] = {
  none: "3/5 提醒渠道：没有（可以用 --channels 文件 添加）。",
  fromFile: (file) => `3/5 提醒渠道：${file} 检查通过。`,
  ask: "3/5 提醒渠道：提醒发到哪里？（直接回车表示跳过）",
  askWecom: "    添加企业微信群机器人吗？",
  wecomUrl: "    群机器人的 Webhook 地址（输入时不显示）：",
  askPushplus: "    添加 PushPlus（发到你的个人微信）吗？",
  pushplusToken: "    你的 PushPlus token（输入时不显示）：",
  askWxpusher: "    添加 WxPusher（发到你的个人微信）吗？",
  wxpusherToken: "    WxPusher 的 appToken，以 AT_ 开头（输入时不显示）：",
  wxpusherUid: "    接收人的 UID，以 UID_ 开头：",
  badAnswer: (problem) => `    这个不对（${problem}）。请重新输入，或者直接回车跳过。`,
  skipped: "    已跳过。",
  noneChosen: "    没有添加：这次 setup 不设置提醒渠道（以后可以用 --channels 文件 添加）。",
  testing: "    从这台电脑按 Worker 的方式，给每个提醒渠道发一条测试消息：",
  typeName: (type) => CHANNEL_TYPES[type] ?? type,
  passed: (name, type) => `    ✓ ${name}（${CHANNEL_TYPES[type] ?? type}）：已送达`,
  failed: (name, type, code, message) => {
    const what = CHANNEL_TYPES[type] ?? type;
    if (code === "network") return `    ✗ ${name}（${what}）：发送失败，连不上 ${what} 的服务器`;
    if (code === "timeout") return `    ✗ ${name}（${what}）：发送失败，${what} 没有及时回答`;
    return `    ✗ ${name}（${what}）：发送失败。平台回复：「${message}」`;
  },
  failedError: (names) => `提醒渠道 ${list(names)} 的测试消息没有发出去，什么都没有部署。请按上面的平台回复改好，再运行 setup。`,
};

const publicUrl: Messages["publicUrl"] = {
  fromDomain: (url) => `    PUBLIC_URL：${url}（来自 --domain），作为加密变量`,
  fromSettings: (url, source) => `    PUBLIC_URL：${url}（${from(source)}），作为加密变量`,
  later: "    PUBLIC_URL：部署后设为 wrangler 报告的地址",
  putting: (command, url) => `    PUBLIC_URL：${command} secret put PUBLIC_URL（${url}，从标准输入传入）`,
  putFailed: (code, url) =>
    `\`wrangler secret put PUBLIC_URL\` 失败了（退出码 ${code}）：Worker 已在运行，但提醒里没有看板的链接。请运行 \`npx wrangler secret put PUBLIC_URL\`，输入 ${url}。`,
  noAddress: (workerName) =>
    `PUBLIC_URL 没有设置（wrangler 没有输出地址）：请运行 \`npx wrangler secret put PUBLIC_URL\`，输入 Worker 的地址（在 Cloudflare 控制台 → Workers & Pages → ${workerName} 里）。`,
};

const report: Messages["report"] = {
  title: "部署完成。请现在就保存下面的令牌：setup 不保存令牌，只显示这一次。",
  noAddress: (workerName) => [
    "  Worker 地址：wrangler 没有输出地址，请在 Cloudflare 控制台里找：",
    `                Workers & Pages → ${workerName}（看板就是这个地址加上 /）。`,
  ],
  worker: (url) => `  Worker 地址：${url}`,
  dashboard: (url) => `  看板：      ${url}/`,
  read: (_several, tokens, given) => `  只读令牌：  ${tokens}${given ? "（已设置的）" : ""}`,
  admin: (token, given) => `  管理令牌：  ${token}${given ? "（已设置的）" : ""}`,
  next: "下一步：",
  signIn: "  - 打开看板，用只读令牌登录（管理令牌还可以把投诉标为已处理）。",
  tryApi: "  - 试一下 API（把 <只读令牌> 换成只读令牌；PowerShell 里用 curl.exe）：",
  addressPlaceholder: "https://<Worker 地址>",
  readPlaceholder: "<只读令牌>",
  kept: (names) => `  - ${list(names)} 已作为加密变量保存在 Worker 上，以后运行 \`npm run deploy\` 也会保留。`,
  keepDomain: (url) => `  - 在 .dev.vars 里加上 PUBLIC_URL="${url}"：以后再运行 setup，这个地址不会变。`,
  replaced: (earlier) => `  - ${shownTime(earlier.deployedAt)} 那次 setup 生成的令牌已失效：请把新令牌发给要用的人。`,
  firstAlert:
    "部署后 25 分钟内，你的提醒渠道会收到第一条提醒「监控已启动」：Cloudflare 启用新的定时任务最多要 15 分钟，定时任务每 10 分钟运行一次。",
  noChannels:
    "这次 setup 没有设置提醒渠道，所以收不到「监控已启动」。添加提醒渠道（--channels 文件，或在终端里运行 setup）后，部署后 25 分钟内会收到。",
  mainland: (customUrl) =>
    customUrl === null
      ? "在中国大陆，*.workers.dev 常常打不开，但提醒照常送达。看板在那里需要自定义域名：`npm run setup -- --domain 你的域名`（见 docs/zh-CN/deploy.md#自定义域名）。"
      : `在中国大陆，*.workers.dev 常常打不开，但提醒照常送达。看板请用 ${customUrl} 打开。`,
};

const signInLink: Messages["signInLink"] = {
  deviceName: "管理员手机",
  asking: (url) => `    为第一台管理员设备生成登录码：POST ${url}/api/devices`,
  title: "在手机上登录：用微信「扫一扫」扫下面的二维码，或在手机上打开下面的链接。这部手机会成为管理员设备。",
  link: (url) => `  链接：${url}`,
  expires: (iso) => `  只能用一次，${beijingTime(iso)}（北京时间）前有效。过期后请在看板里点「添加设备」重新生成。`,
  narrow: (columns) => `  （二维码需要 ${columns} 列宽的窗口：如果显示不全，请在看板里点「添加设备」生成。）`,
  failure: (code, detail) => {
    if (code === "timeout") return `${Number(detail) / 1000} 秒内没有回应`;
    if (code === "http") return `它回答了 HTTP ${detail}`;
    if (code === "bad_answer") return "它的回答里没有登录链接";
    return detail === null ? "连不上" : `连不上：${NETWORK_REASONS[detail] ?? "连接失败"}（${detail}）`;
  },
  unreachable: (why) =>
    `没能从 Worker 拿到登录码（${why}）：在这里可能打不开这个地址（在中国大陆，*.workers.dev 常常打不开），或者它还没生效。`,
  fromDashboard: "在手机上登录的方法：在电脑上打开看板，用管理令牌登录，点「添加设备」，再用微信扫一扫它显示的二维码。",
};

export const zh: Messages = { cli, doctor, advice, setup, domain, channels, publicUrl, report, signInLink };
