/**
 * The I/O of the deploy: the secrets file and the wrangler child. The file lives in a fresh 0700 directory of
 * the system's temp dir (outside the repository, so no tool ever commits or bundles it), is written 0600, and is
 * removed when wrangler ends, and at once when a signal stops setup meanwhile.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Messages } from "../i18n";
import type { WranglerCommand } from "./deploy";
import { SetupError } from "./errors";

export interface SecretsFile {
  path: string;
  /** Removes the file and its directory; safe to call again. */
  remove(): void;
}

export function writeSecretsFile(secrets: Record<string, string>): SecretsFile {
  const dir = mkdtempSync(join(tmpdir(), "payjs-setup-"));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  // Also when setup dies of an uncaught error (say a closed pipe on stdout), where no `finally` runs.
  process.once("exit", remove);
  try {
    chmodSync(dir, 0o700);
    const path = join(dir, "secrets.json");
    // `wx`: a file that somehow exists already is never reused with its old mode.
    writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    return { path, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

export interface WranglerRun {
  /** wrangler's exit status; null when it ended by a signal. */
  code: number | null;
  /** The signal that stopped setup (forwarded to wrangler), or that ended wrangler. */
  signal: NodeJS.Signals | null;
  /** stdout, then stderr, as wrangler wrote them (for its deploy targets). */
  output: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Applied to everything wrangler prints before it reaches the user. */
  scrub: Filter;
  /** Called on SIGINT/SIGTERM/SIGHUP while wrangler runs, before the signal is forwarded. */
  onSignal: () => void;
  /** Written to wrangler's standard input, which is then closed (a secret's value); else wrangler shares ours. */
  input?: string;
  /** For the errors of starting wrangler. */
  m: Messages;
}

type Filter = (text: string) => string;

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** cmd.exe's quoting, for Windows, where `npx` is a .cmd that only a shell runs. */
function forCmd(arg: string): string {
  return /[\s"&|<>^%]/.test(arg) ? `"${arg.replace(/"/g, '""')}"` : arg;
}

/**
 * Passes a stream through to `sink` scrubbed, whole lines at a time so a key cannot slip through split across
 * two chunks; a partial line (a prompt) follows after a moment of quiet.
 */
function passThrough(stream: Readable, sink: NodeJS.WriteStream, scrub: Filter, keep: (t: string) => void): () => void {
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending !== "") sink.write(scrub(pending));
    pending = "";
  };
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    keep(chunk);
    pending += chunk;
    const cut = pending.lastIndexOf("\n") + 1;
    if (cut > 0) {
      sink.write(scrub(pending.slice(0, cut)));
      pending = pending.slice(cut);
    }
    clearTimeout(timer);
    timer = pending === "" ? undefined : setTimeout(flush, 150);
  });
  return flush;
}

/** Runs `<wrangler> …args`, its output shown (scrubbed) and kept; resolves when it has ended. */
export function runWrangler(command: WranglerCommand, args: string[], options: RunOptions): Promise<WranglerRun> {
  const windows = process.platform === "win32";
  const all = [...command.args, ...args];
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(windows ? forCmd(command.file) : command.file, windows ? all.map(forCmd) : all, {
        cwd: options.cwd,
        env: options.env,
        stdio: [options.input === undefined ? "inherit" : "pipe", "pipe", "pipe"],
        shell: windows,
      });
    } catch (error) {
      reject(new SetupError("deploy_failed", options.m.setup.cannotStart(command.shown, (error as Error).message)));
      return;
    }
    // A wrangler that ends before reading it closes the pipe: that is its exit status's business, not a crash.
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.input);
    let stdout = "";
    let stderr = "";
    let stoppedBy: NodeJS.Signals | null = null;
    const flushOut = passThrough(child.stdout as Readable, process.stdout, options.scrub, (t) => (stdout += t));
    const flushErr = passThrough(child.stderr as Readable, process.stderr, options.scrub, (t) => (stderr += t));
    const forward = (signal: NodeJS.Signals): void => {
      stoppedBy ??= signal;
      options.onSignal();
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, signal);
        } catch {
          // Already gone.
        }
      }
    };
    for (const signal of SIGNALS) process.on(signal, forward);
    const done = (): void => {
      for (const signal of SIGNALS) process.off(signal, forward);
      flushOut();
      flushErr();
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      done();
      const why = error.code === "ENOENT" ? options.m.setup.notFound(command.file) : error.message;
      reject(new SetupError("deploy_failed", options.m.setup.cannotStart(command.shown, why)));
    });
    child.once("close", (code, signal) => {
      done();
      resolve({ code, signal: stoppedBy ?? signal, output: `${stdout}\n${stderr}` });
    });
  });
}
