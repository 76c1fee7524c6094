/** A setting that is present but invalid, named so the user knows what to fix. Its message never holds a secret. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "bad_config";
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}
