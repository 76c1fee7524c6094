/**
 * Step 3's alert channels: on a terminal without `--channels`, the questions that build `NOTIFY_CHANNELS` (a WeCom
 * group robot, PushPlus, WxPusher), each answer checked by the Worker's own parser; then, for every channel
 * however given, one test message sent from this machine through the Worker's own channel code (src/notify/send.ts,
 * as `POST /api/notify/test` calls it), before anything is deployed. `SETUP_CHANNEL_API_BASE` sets the `api_base`
 * of the PushPlus and WxPusher channels the questions build: it is for tests, whose platforms answer on this machine.
 * @module
 */
import { ConfigError } from "../../src/config";
import { send } from "../../src/notify/send";
import { type Channel, parseChannels } from "../../src/notify/settings";
import { configProblem, type Messages } from "../i18n";
import { SetupError } from "./errors";
import { ask, confirm } from "./prompt";

type Item = Record<string, unknown>;

/** One offer: the yes/no question, then its questions (`hidden`: a secret, not echoed), then the channel item. */
interface Offer {
  offer: string;
  questions: { text: string; hidden: boolean }[];
  build: (answers: string[], apiBase: string | undefined) => Item;
}

function offers(m: Messages): Offer[] {
  const c = m.channels;
  const withBase = (item: Item, apiBase: string | undefined): Item => (apiBase === undefined ? item : { ...item, api_base: apiBase });
  return [
    {
      offer: c.askWecom,
      questions: [{ text: c.wecomUrl, hidden: true }],
      build: ([url]) => ({ type: "wecom", name: "wecom", url }),
    },
    {
      offer: c.askPushplus,
      questions: [{ text: c.pushplusToken, hidden: true }],
      build: ([token], apiBase) => withBase({ type: "pushplus", name: "pushplus", token }, apiBase),
    },
    {
      offer: c.askWxpusher,
      questions: [
        { text: c.wxpusherToken, hidden: true },
        { text: c.wxpusherUid, hidden: false },
      ],
      build: ([appToken, uid], apiBase) => withBase({ type: "wxpusher", name: "wxpusher", app_token: appToken, uids: [uid] }, apiBase),
    },
  ];
}

/** Asks one offer's questions until the Worker's parser takes the answers; null when an answer is left empty. */
async function askOffer(offer: Offer, m: Messages, say: (text: string) => void, mchids: ReadonlySet<string>): Promise<Item | null> {
  for (;;) {
    const answers: string[] = [];
    for (const question of offer.questions) {
      const answer = (await ask(question.text, m, question.hidden)).trim();
      if (answer === "") {
        say(m.channels.skipped);
        return null;
      }
      answers.push(answer);
    }
    const item = offer.build(answers, process.env.SETUP_CHANNEL_API_BASE?.trim() || undefined);
    try {
      parseChannels(JSON.stringify([item]), mchids);
      return item;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      say(m.channels.badAnswer(configProblem(m, error)));
    }
  }
}

/** The questions of step 3: the `NOTIFY_CHANNELS` text they built, or null when none was added. */
export async function askChannels(m: Messages, say: (text: string) => void, mchids: ReadonlySet<string>): Promise<string | null> {
  say(m.channels.ask);
  const items: Item[] = [];
  for (const offer of offers(m)) {
    if (!(await confirm(offer.offer, m))) continue;
    const item = await askOffer(offer, m, say, mchids);
    if (item !== null) items.push(item);
  }
  if (items.length === 0) {
    say(m.channels.noneChosen);
    return null;
  }
  return JSON.stringify(items);
}

/**
 * One test message to every channel of `text`, all at once, as `POST /api/notify/test` sends it; each outcome is
 * listed. @throws SetupError `channel_failed` naming every channel that failed.
 */
export async function testChannels(
  text: string,
  ctx: { mchids: ReadonlySet<string>; publicUrl: string | null; m: Messages; say: (text: string) => void },
): Promise<void> {
  const { m, say } = ctx;
  const channels: Channel[] = parseChannels(text, ctx.mchids);
  say(m.channels.testing);
  const now = Date.now();
  const notice = { kind: "test", event: "test", at: new Date(now).toISOString() };
  const results = await Promise.all(channels.map((channel) => send(channel, notice, { publicUrl: ctx.publicUrl, now, at: now })));
  const failed: string[] = [];
  channels.forEach((channel, i) => {
    const result = results[i] ?? { ok: false, code: "missing", message: "" };
    const type = channel.type.type;
    if (result.ok) say(m.channels.passed(channel.name, type));
    else {
      failed.push(channel.name);
      say(m.channels.failed(channel.name, type, result.code, result.message));
    }
  });
  if (failed.length > 0) throw new SetupError("channel_failed", m.channels.failedError(failed), { setting: "NOTIFY_CHANNELS" });
}
