/**
 * Questions on the terminal. Only asked when stdin is a terminal and `--yes` is absent; a hidden answer (the
 * key) is never echoed: readline still edits the line, but writes it to a sink while it is hidden.
 * @module
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { Messages } from "../i18n";
import { SetupError } from "./errors";

/** One line typed by the user; `hidden` shows nothing of what is typed. */
export async function ask(question: string, m: Messages, hidden = false): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, encoding, callback) {
      if (!muted) process.stdout.write(chunk, encoding);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      // Ctrl-C in raw mode reaches readline, not the process: stop as the signal would have.
      rl.once("SIGINT", () => reject(new SetupError("interrupted", m.setup.stoppedAtQuestion)));
      // Also fires after an answer, by the close below; a settled promise ignores it.
      rl.once("close", () => reject(new SetupError("cancelled", m.setup.endOfInput)));
      rl.question(question, resolve);
      muted = hidden;
    });
  } finally {
    // Closing also detaches readline from stdin; a live interface would echo the next answer, hidden or not.
    rl.close();
    if (hidden) process.stdout.write("\n");
  }
}

/** A yes/no question whose default is no. */
export async function confirm(question: string, m: Messages): Promise<boolean> {
  return m.cli.yes.test(await ask(`${question}${m.cli.yesNo}`, m));
}
