/**
 * The ends the command-line scripts (`npm run doctor`, `npm run setup`) share: how they exit and how they word a
 * settings error or a bug, in the run's language.
 * @module
 */
import type { ConfigError } from "../src/config";
import { configProblem, type Messages } from "./i18n";

/** Writes, then exits once the text is flushed (a pipe may take a moment). */
export function finish(code: number, stdout: string, stderr = ""): void {
  const exit = (): void => process.exit(code);
  const writeOut = (): void => {
    if (stdout === "") exit();
    else process.stdout.write(stdout, exit);
  };
  if (stderr === "") writeOut();
  else process.stderr.write(stderr, writeOut);
}

/** A settings error, naming the setting to fix and where it is read from. */
export function settingsErrorText(m: Messages, tool: string, again: string, error: ConfigError): string {
  return m.cli.settingsWrong(tool, configProblem(m, error), error.setting, again);
}

/** A bug, not a verdict: the name and message only (no stack with values). */
export function unexpectedText(m: Messages, tool: string, error: unknown): string {
  return m.cli.unexpected(tool, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
