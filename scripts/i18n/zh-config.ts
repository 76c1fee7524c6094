/**
 * The Worker's settings errors (src/config.ts, src/notify/settings.ts and the channels' option checks, all in
 * English) said in Chinese: the position (`item 0:`, `[0].url`) becomes 第 N 项 / 第 N 个提醒渠道, and each known
 * wording its Chinese. A wording not listed here is named by its setting and position only, with how to see
 * the English detail, so no English sentence ever reaches a Chinese reader.
 * @module
 */

type Rule = [pattern: RegExp, say: (m: RegExpExecArray, setting: string) => string];

const EXAMPLES: Record<string, string> = {
  PAYJS_MERCHANTS: '`[{"mchid":"…","key":"…","name":"…"}]`',
  NOTIFY_CHANNELS: '`[{"type":"wecom","url":"https://…"}]`',
};

const example = (setting: string): string => (EXAMPLES[setting] === undefined ? "" : `，例如 ${EXAMPLES[setting]}`);

const RULES: Rule[] = [
  [/^must be a whole number from (\d+) to (\d+)$/, (m) => `必须是 ${m[1]} 到 ${m[2]} 之间的整数`],
  [/^must be true or false$/, () => "只能是 true 或 false"],
  [/^must be strict, if_present or report$/, () => "只能是 strict、if_present 或 report"],
  [
    /^is strict while ALLOW_UNSIGNED_RESPONSES is true/,
    () => "是 strict，但 ALLOW_UNSIGNED_RESPONSES 是 true。请删掉 ALLOW_UNSIGNED_RESPONSES，或者设 RESPONSE_SIGNATURE=if_present",
  ],
  [/^must be an absolute http(?:\(s\)|:\/\/ or https:\/\/) URL$/, () => "必须是完整的网址，以 http:// 或 https:// 开头"],
  [/^mchid must be 1-64 letters, digits, '-' or '_'$/, () => "商户号（mchid）只能是 1 到 64 个字母、数字、- 或 _"],
  [/^is missing \((\w+) is set\)$/, (m) => `没有设置（${m[1]} 已设置）`],
  [/^is not valid JSON/, (_m, setting) => `不是有效的 JSON${example(setting)}`],
  [/^must be a JSON array like/, (_m, setting) => `必须是 JSON 数组${example(setting)}`],
  [/^must be an object with mchid and key$/, () => "必须是含 mchid 和 key 的对象"],
  [/^unknown field (\S+)$/, (m) => `有不认识的字段 ${m[1]}`],
  [/^key must be a non-empty string$/, () => "key 不能为空"],
  [/^name must be a string$/, () => "name 必须是文字"],
  [/^mchid (\S+) is listed twice$/, (m) => `商户号 ${m[1]} 出现了两次`],
  [/^must be a string$/, () => "必须是文字"],
  [/^has (\d+) channels; at most (\d+)$/, (m) => `有 ${m[1]} 个提醒渠道，最多 ${m[2]} 个`],
  [/^must be an object with a type$/, () => "必须是含 type 的对象"],
  [/^must be one of (.+)$/, (m) => `只能是这些之一：${m[1]}`],
  [/^is not an option of (\S+) \(it takes (.*)\)$/, (m) => `不是 ${m[1]} 的选项（可用的有：${m[2]}）`],
  [/^must be 1-64 letters, digits/, () => "只能是 1 到 64 个字母、数字、_、- 或 ."],
  [/^(\S+) is used twice$/, (m) => `${m[1]} 用了两次`],
  [/^names "complaint\.reminder", which is retired/, () => "其中的 complaint.reminder 已停用，请改用 complaint.due 和 complaint.overdue"],
  [/^must be a non-empty array of/, () => "必须是不为空的数组"],
  [/^has (".*"), which is not one of the events$/, (m) => `其中 ${m[1]} 不是已知的提醒事件`],
  [/^has (".*"), which is not one of the configured mchids$/, (m) => `其中 ${m[1]} 不是已设置的商户号`],
  [/^must be a Beijing time "HH:MM"/, () => '必须是北京时间 "HH:MM"，例如 "09:00"'],
  [/^must be a Beijing time range/, () => '必须是北京时间段 "HH:MM-HH:MM"，例如 "23:00-08:00"'],
  [/^must not start and end at the same time$/, () => "开始和结束不能是同一时间"],
  [/^is required$/, () => "必须填写"],
  [/^must be a non-empty string$/, () => "不能为空"],
  [/^must look like /, () => "格式不对"],
  [/^must be an array of /, () => "必须是数组"],
  [/^has (\d+) items; WxPusher takes at most (\d+)$/, (m) => `有 ${m[1]} 项，WxPusher 最多 ${m[2]} 项`],
  [/^item (\d+) must be /, (m) => `第 ${Number(m[1]) + 1} 项格式不对`],
  [/^or "topic_ids" is required/, () => "或 topic_ids 至少要有一个：要发给的用户（UID_…）或主题"],
  [/^must be a chat id/, () => "必须是聊天 id（整数，例如 -1001234567890）或 @频道名"],
  // scripts/doctor/settings.ts: a `.dev.vars` that exists but cannot be read.
  [/^cannot be read \((\w+)\): (.*)$/s, (m) => `读不了（${m[1]}）：${m[2]}`],
];

/** `item 0: …` (PAYJS_MERCHANTS) or `[0].url …` / `[0] …` (NOTIFY_CHANNELS): the place in Chinese, and the rest. */
function position(detail: string): { where: string; rest: string } {
  const item = /^item (\d+): (.*)$/s.exec(detail);
  if (item !== null) return { where: ` 第 ${Number(item[1]) + 1} 项`, rest: item[2] as string };
  const channel = /^\[(\d+)\](?:\.(\w+))? (.*)$/s.exec(detail);
  if (channel !== null) {
    const option = channel[2] === undefined ? "" : `的 ${channel[2]}`;
    return { where: ` 第 ${Number(channel[1]) + 1} 个提醒渠道${option}`, rest: channel[3] as string };
  }
  return { where: "", rest: detail };
}

/** One settings error in Chinese, e.g. `NOTIFY_CHANNELS 第 1 个提醒渠道的 url：必须是完整的网址，…`. */
export function translateConfigProblem(setting: string, detail: string): string {
  const { where, rest } = position(detail);
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(rest);
    if (m !== null) return `${setting}${where}：${say(m, setting)}`;
  }
  // Already Chinese: setup's and the doctor's own checks word their errors from the table.
  if (/[\u4e00-\u9fff]/.test(rest)) return `${setting}${where}：${rest}`;
  return `${setting}${where} 的值不对（加上 --lang en 再运行，可以看到详细原因）`;
}
