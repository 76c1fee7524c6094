/**
 * `POST /api/complaints/{id}/refund` (admin, only with `ALLOW_REFUNDS=true`; `?mchid=`): refunds the complaint's
 * order through PAYJS, once. The person types the amount back (`{"total_fee": n, "note"?}`) as their confirmation.
 *
 * Exactly once: the attempt is written to `refund:{mchid}:{id}` before PAYJS is called; requests in this isolate
 * wait for none and share none (a second one while the first runs answers 409), and a request in another isolate
 * finds the attempt in KV. Its outcome is written with the merchant's marks (`handled:{mchid}`), together with the
 * handled mark a done refund leaves. KV reaches other locations up to a minute late, so two requests at the same
 * moment from two far-apart places could both find no attempt: PAYJS refunds an order once, and the second then
 * gets its "already refunded", which is recorded as the done refund it is.
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { Complaint } from "../../domain/complaint";
import { MARKS, type MarkBook, markOf, marksIn, withMark } from "../../domain/marks";
import { outcomeOf, REFUND_ATTEMPT, type RefundAttempt, type RefundOutcome, refundNote, refundOf, withOutcome } from "../../domain/refund";
import { served } from "../../domain/served";
import { logEvent } from "../../log";
import { refundOrder } from "../../payjs/order";
import { changeMarksAndKeep } from "../../reader/cache";
import { MarkNotSaved } from "../../reader/marks";
import { handledKey, refundAttemptKey, Store } from "../../store";
import { HttpError } from "../errors";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import { requestedComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";
import { upstreamHttpError } from "./order";

export const refundRoutes = new Hono<AppEnv>();

/** The longest note kept with a refund, in characters. */
const MAX_REFUND_NOTE = 200;
const MAX_BODY_BYTES = 4 * 1024;
/** PAYJS's words for an order it refunded before: the refund happened, whoever asked for it. */
const ALREADY_REFUNDED = /已退款/;

interface RefundRequest {
  total_fee: number;
  note: string;
}

function badBody(parameter: string, message: string): HttpError {
  return new HttpError(400, "bad_request", message, { parameter });
}

async function readRequest(c: Context<AppEnv>): Promise<RefundRequest> {
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw badBody("body", `The body is larger than ${MAX_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badBody("body", 'The body must be JSON: {"total_fee": <the amount in fen>, "note"?: "…"}');
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badBody("body", "The body must be a JSON object");
  const unknown = Object.keys(body).filter((k) => k !== "total_fee" && k !== "note");
  if (unknown.length > 0) throw badBody("body", `Unknown field ${JSON.stringify(unknown[0])}: the body takes total_fee and note`);
  const { total_fee, note = "" } = body as { total_fee?: unknown; note?: unknown };
  if (typeof total_fee !== "number" || !Number.isSafeInteger(total_fee) || total_fee <= 0) {
    throw badBody("total_fee", "total_fee must be the complaint's amount in fen (a whole number), typed as confirmation");
  }
  if (typeof note !== "string") throw badBody("note", "note must be a string");
  if ([...note].length > MAX_REFUND_NOTE) throw badBody("note", `note is longer than ${MAX_REFUND_NOTE} characters`);
  return { total_fee, note };
}

/** Refunds under way in this isolate, by attempt key. */
const running = new Set<string>();

refundRoutes.post("/complaints/:id/refund", requireRole("admin"), async (c) => {
  const config = c.get("config");
  if (!config.allowRefunds) {
    throw new HttpError(403, "refunds_disabled", "Refunds are off: set ALLOW_REFUNDS=true to let the admin token refund orders");
  }
  const complaint = await requestedComplaint(c);
  const request = await readRequest(c);
  if (complaint.total_fee === null || request.total_fee !== complaint.total_fee) {
    const amount = complaint.total_fee === null ? "no amount" : `${complaint.total_fee} fen`;
    throw new HttpError(
      400,
      "confirm_mismatch",
      `total_fee ${request.total_fee} is not the complaint's amount (${amount}); nothing was refunded`,
      {
        parameter: "total_fee",
      },
    );
  }
  if (complaint.order_id.trim() === "") {
    throw new HttpError(409, "no_order", `Complaint ${complaint.id} names no PAYJS order (order_id is empty)`);
  }
  const key = refundAttemptKey(complaint.mchid, complaint.id);
  if (running.has(key)) throw inProgress(complaint);
  running.add(key);
  try {
    return await refund(c, complaint, request, key);
  } finally {
    running.delete(key);
  }
});
refundRoutes.all("/complaints/:id/refund", methodNotAllowed("POST"));

function inProgress(complaint: Complaint): HttpError {
  return new HttpError(409, "refund_in_progress", `A refund of complaint ${complaint.id} is under way; look again in a minute`);
}

async function refund(c: Context<AppEnv>, complaint: Complaint, request: RefundRequest, key: string): Promise<Response> {
  const config = c.get("config");
  const store = new Store(c.env.COMPLAINTS);
  const now = Date.now();
  // Both fresh, not the edge's copies: what KV holds now decides whether PAYJS is called.
  const [attempt, marks] = await Promise.all([store.load(key, REFUND_ATTEMPT), store.load(handledKey(complaint.mchid), MARKS)]);
  const lastAttempt = attempt.kind === "ok" ? attempt.value : null;
  const lastOutcome = marks.kind === "ok" ? outcomeOf(marks.value.refunds, complaint.id) : null;
  const standing = refundOf(lastOutcome, lastAttempt, now);
  if (standing?.state === "done" && marks.kind === "ok") return answer(c, complaint, marks.value);
  if (standing?.state === "pending") throw inProgress(complaint);

  const mine: RefundAttempt = {
    attempt: crypto.randomUUID(),
    at: new Date(now).toISOString(),
    total_fee: request.total_fee,
    note: request.note,
  };
  try {
    await store.save(key, REFUND_ATTEMPT, mine, now);
  } catch {
    // KV refuses a second write of the key within a second: another attempt was just written.
    throw inProgress(complaint);
  }
  const merchant = config.merchants.find((m) => m.mchid === complaint.mchid);
  if (merchant === undefined) throw new HttpError(404, "not_found", `mchid ${complaint.mchid} is not a configured merchant`);
  const options = { apiBase: config.apiBase, timeoutMs: config.upstreamTimeoutMs, signaturePolicy: config.signaturePolicy };
  const result = await refundOrder(merchant, complaint.order_id, options);

  const at = new Date().toISOString();
  const base = { attempt: mine.attempt, at, total_fee: request.total_fee, note: request.note };
  const outcome: RefundOutcome = result.ok
    ? { ...base, state: "done", message: null }
    : result.error.code === "upstream_error" && ALREADY_REFUNDED.test(result.error.message)
      ? { ...base, state: "done", message: result.error.message }
      : result.error.code === "upstream_error"
        ? { ...base, state: "failed", message: result.error.message }
        : { ...base, state: "unknown", message: `${result.error.message}; the refund may or may not have happened: check the order` };
  logEvent("refund", {
    mchid: complaint.mchid,
    complaint: complaint.id,
    order: complaint.order_id,
    total_fee: request.total_fee,
    outcome: outcome.state,
    ...(result.ok ? {} : { error: result.error.code, message: result.error.message }),
  });
  let book: MarkBook;
  try {
    ({ book } = await changeMarksAndKeep(
      c.env.COMPLAINTS,
      complaint.mchid,
      (current) => {
        const recorded = { ...current, refunds: withOutcome(current.refunds, complaint.id, outcome) };
        if (outcome.state !== "done" || markOf(current.handled, complaint.id) !== null) return recorded;
        return withMark(recorded, "handled", complaint.id, { at, note: refundNote(outcome.total_fee, outcome.note) });
      },
      Date.now(),
    ));
  } catch (error) {
    const message = error instanceof MarkNotSaved ? error.message : "KV could not be written";
    logEvent("refund", { mchid: complaint.mchid, complaint: complaint.id, outcome: "not_recorded", message });
    throw new HttpError(503, "storage", `PAYJS's answer (${outcome.state}) was not recorded: ${message}`);
  }
  if (result.ok || outcome.state === "done") return answer(c, complaint, book);
  if (outcome.state === "failed") throw new HttpError(502, "upstream_refused", result.error.message);
  if (result.error.transient) throw new HttpError(504, "refund_unknown", outcome.message ?? result.error.message);
  throw upstreamHttpError(result.error);
}

function answer(c: Context<AppEnv>, complaint: Complaint, book: MarkBook): Response {
  c.header("Cache-Control", "no-store");
  return c.json({ complaint: served(complaint, marksIn(book, complaint.id), c.get("config").deadlines) });
}
