/**
 * The JSON body of a request that acts: an object with only the fields the route takes, read within a size limit.
 * Whatever is wrong is a 400 naming `body` (or the unknown field's route), before anything is done.
 * @module
 */
import type { Context } from "hono";
import { HttpError } from "./errors";
import type { AppEnv } from "./types";

interface BodyRule {
  /** The largest body read, in bytes: far more than the fields need; a bigger one is refused unread. */
  maxBytes: number;
  /** The fields the body may have. */
  fields: readonly string[];
  /** What a body looks like, for the message, e.g. `{"note":"…"}`. */
  example: string;
  /** Whether an empty body counts as `{}`. */
  emptyIsNone: boolean;
}

export function badBody(parameter: string, message: string): HttpError {
  return new HttpError(400, "bad_request", message, { parameter });
}

/** The request's body as a JSON object with only `rule.fields`. */
export async function jsonBody(c: Context<AppEnv>, rule: BodyRule): Promise<Record<string, unknown>> {
  const tooLarge = badBody("body", `The body is larger than ${rule.maxBytes} bytes`);
  if (Number(c.req.header("content-length") ?? 0) > rule.maxBytes) throw tooLarge;
  const text = await c.req.text();
  if (text.length > rule.maxBytes) throw tooLarge;
  if (rule.emptyIsNone && text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badBody("body", `The body must be JSON: ${rule.example}${rule.emptyIsNone ? " (or empty)" : ""}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badBody("body", `The body must be a JSON object: ${rule.example}`);
  const unknown = Object.keys(body).find((k) => !rule.fields.includes(k));
  if (unknown !== undefined) {
    throw badBody(
      "body",
      `Unknown field ${JSON.stringify(unknown)}: the body takes ${rule.fields.map((f) => JSON.stringify(f)).join(" and ")}`,
    );
  }
  return body as Record<string, unknown>;
}
