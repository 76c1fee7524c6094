/**
 * One complaint's detail (`#detail`, address `#/complaints/{mchid}/{id}`): its fields, deadlines, marks, refund, its
 * history (`#timeline`) and the raw PAYJS data. The actions are offered to an admin only (the status's `viewer`):
 * with the note of `#handle-note`, `#replied` marks it replied (`PUT …/replied`) and `#handle` handled
 * (`PUT …/handled`); `#unreplied` and `#unhandle` take a mark back (`DELETE`). Neither tells PAYJS anything, which the
 * help line says.
 *
 * `#check-order` (a complaint with an `order_id`) shows its order as PAYJS's `/check` told it (`GET …/order`), and
 * `#refund`, while the Worker allows refunds (`refunds_allowed`) and the complaint has an amount and no refund done or
 * under way, opens `#refund-dialog`, whose `#refund-go` stays disabled until the amount typed equals the complaint's,
 * then posts it (`POST …/refund`), once: PAYJS's answer is said in the dialog.
 *
 * Opened by a view link (no token), it shows the complaint as the key lets anyone read it: no actions, no history
 * and no raw data (the key opens no other route, and the answer has no `raw`).
 * @module
 */
import { ApiError } from "./api";
import { complaintFields, orderFields } from "./complaint-view";
import { $, el } from "./dom";
import { fenOf, money } from "./format";
import { type Arg, T } from "./i18n";
import { one, say } from "./messages";
import type { Session } from "./session";
import type { StringKey } from "./strings";
import { timelineItems } from "./timeline";
import type { Complaint, ComplaintAnswer, OrderAnswer, TimelineAnswer, TimelineEvent } from "./wire";

type Kind = "replied" | "handled";

/** The button that sets each mark, and the one that takes it back. */
const BUTTONS: Record<Kind, [set: string, undo: string]> = { replied: ["replied", "unreplied"], handled: ["handle", "unhandle"] };

/** A complaint's API path, e.g. `/api/complaints/{id}/order?mchid={mchid}`. */
const pathOf = (c: Pick<Complaint, "id" | "mchid">, action = ""): string =>
  `/api/complaints/${encodeURIComponent(c.id)}${action}?mchid=${encodeURIComponent(c.mchid)}`;

const dialog = (): HTMLDialogElement => $<HTMLDialogElement>("refund-dialog");
const input = (id: string): HTMLInputElement => $<HTMLInputElement>(id);

/** The amount typed in the dialog, in fen, when it is the complaint's own; else null. */
function confirmed(c: Complaint | null): number | null {
  const fee = fenOf(input("refund-amount").value);
  return fee !== null && fee === c?.total_fee ? fee : null;
}

export class ComplaintDetail {
  private complaint: Complaint | null = null;
  /** Counts the loads, so an answer that arrives after a newer request (or after leaving) is dropped. */
  private seq = 0;
  /** A mark, an undo, a check or a refund is under way. */
  private busy = false;
  /** The order of the complaint shown, once checked. */
  private order: OrderAnswer | null = null;
  /** The history of the complaint shown; null until read, or when the Worker has none to give (404). */
  private events: TimelineEvent[] | null = null;

  constructor(private readonly session: Session) {
    $("handle-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.mark("handled", true);
    });
    $("replied").addEventListener("click", () => void this.mark("replied", true));
    $("unreplied").addEventListener("click", () => void this.mark("replied", false));
    $("unhandle").addEventListener("click", () => void this.mark("handled", false));
    $("check-order").addEventListener("click", () => void this.act<OrderAnswer>("/order", (o) => (this.order = o)));
    $("refund").addEventListener("click", () => this.openRefund());
    input("refund-amount").addEventListener("input", () => this.render());
    $("refund-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.refund();
    });
    $("refund-cancel").addEventListener("click", () => dialog().close());
    // Escape does not close it while PAYJS is asked.
    dialog().addEventListener("cancel", (ev) => this.busy && ev.preventDefault());
  }

  async load(mchid: string, id: string): Promise<void> {
    const my = ++this.seq;
    if (this.complaint?.mchid !== mchid || this.complaint.id !== id) {
      this.note().value = "";
      this.order = null;
      dialog().close();
    }
    this.complaint = null;
    this.events = null;
    this.render();
    say("detail", one("info", "loading"));
    try {
      const path = pathOf({ id, mchid });
      const data = await (this.session.viewing() ? this.session.view<ComplaintAnswer>(path) : this.session.call<ComplaintAnswer>(path));
      if (my !== this.seq) return;
      this.complaint = data.complaint;
      say("detail", null);
      this.render();
      $("detail-h").focus();
      await this.loadTimeline(my);
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "detail");
    }
  }

  /** Reads the history of the complaint shown (never with a view key: the route refuses it); a Worker without the route answers 404, and the section stays out. */
  private async loadTimeline(my: number): Promise<void> {
    const c = this.complaint;
    if (!c || this.session.viewing()) return;
    try {
      const { events } = await this.session.call<TimelineAnswer>(pathOf(c, "/timeline"));
      if (my !== this.seq) return;
      this.events = events;
      this.render();
    } catch (e) {
      if (my === this.seq && !(e instanceof ApiError && e.status === 404)) this.session.fail(e, "detail");
    }
  }

  private note(): HTMLTextAreaElement {
    return $<HTMLTextAreaElement>("handle-note");
  }

  /**
   * One request at a time about the complaint shown (`action`: its path's end, e.g. `/order`). A complaint in the
   * answer is shown, in its row too; then `then` gets the answer, unless another complaint is shown by then, and
   * `failed` an error (by default said in the message bar). True when it went through.
   */
  private async act<A>(
    action: string,
    then: (answer: A) => void,
    method?: string,
    body?: unknown,
    failed = (e: unknown) => this.session.fail(e, "detail"),
  ): Promise<boolean> {
    const c = this.complaint;
    if (!c || this.busy) return false;
    const my = this.seq;
    this.busy = true;
    this.render();
    try {
      const answer = await this.session.call<A & Partial<ComplaintAnswer>>(pathOf(c, action), method, body);
      if (answer.complaint) this.session.changed(answer.complaint);
      if (my !== this.seq) return false;
      this.complaint = answer.complaint ?? c;
      say("detail", null);
      then(answer);
      void this.loadTimeline(my);
      return true;
    } catch (e) {
      if (my === this.seq) failed(e);
      return false;
    } finally {
      this.busy = false;
      if (my === this.seq) this.render();
    }
  }

  /** Sets the `kind` mark (with the note typed, if any), or takes it back. */
  private async mark(kind: Kind, on: boolean): Promise<void> {
    const note = this.note().value.trim();
    const body = on ? (note ? { note } : {}) : undefined;
    const then = () => {
      if (on) this.note().value = "";
    };
    if (await this.act(`/${kind}`, then, on ? "PUT" : "DELETE", body)) {
      // The button pressed is gone: the focus goes to what replaced it.
      const ids = on ? [BUTTONS[kind][1]] : kind === "replied" ? ["replied", "unhandle"] : ["handle-note"];
      ids
        .map((id) => $(id))
        .find((e) => e.offsetParent)
        ?.focus();
    }
  }

  private openRefund(): void {
    const c = this.complaint;
    if (!c) return;
    $("refund-what").textContent = T("refundWhat", [c.order_id, money(c.total_fee)]);
    $("refund-type").textContent = T("refundType", [money(c.total_fee).slice(1)]);
    input("refund-amount").value = input("refund-note").value = "";
    this.tell(null);
    this.render();
    dialog().showModal();
  }

  /** Says how the refund goes in the dialog: an error when it has `args` (`{0}` status and code, `{1}` message). */
  private tell(key: StringKey | null, args?: Arg[]): void {
    $("refund-msg").replaceChildren(key ? el("p", { class: args ? "err" : "" }, T(key, args)) : "");
  }

  /**
   * Posts the amount typed (`POST …/refund`): done, the dialog closes and the detail, its row and the status panel
   * show the complaint refunded and handled; else PAYJS's refusal, an unknown outcome or a refund under way is said
   * in the dialog (it may be tried again) and the complaint read again for its refund state.
   */
  private refund(): void {
    const c = this.complaint;
    const total_fee = confirmed(c);
    if (!c || this.busy || total_fee === null) return;
    this.tell("refunding");
    const done = () => {
      dialog().close();
      say("detail", one("info", "refundHelp"));
      $("detail-h").focus();
    };
    void this.act("/refund", done, "POST", { total_fee, note: input("refund-note").value.trim() }, (e) => {
      // Anything but PAYJS's refusal, a refund under way or a request refused as it stands may have refunded.
      const { status, code, message } = e as ApiError;
      const key =
        code === "upstream_refused"
          ? "refundRefused"
          : code === "refund_in_progress"
            ? "refundBusy"
            : status < 500
              ? "msgError"
              : "refundUnknown";
      this.tell(key, [`${status} ${code}`, message]);
      this.busy = false;
      void this.load(c.mchid, c.id);
    });
  }

  /** Back on the list: a load still under way is dropped. */
  leave(): void {
    this.seq++;
    dialog().close();
    say("detail", null);
  }

  reset(): void {
    this.complaint = null;
    this.order = null;
    this.events = null;
    this.note().value = "";
    this.render();
  }

  render(): void {
    const c = this.complaint;
    const o = this.order;
    const remind = this.session.status()?.deadlines?.remind_before_hours ?? [];
    $("detail-dl").replaceChildren(...(c ? complaintFields(c, this.session.label(c.mchid), remind) : []));
    $("raw").textContent = c?.raw ? JSON.stringify(c.raw, null, 2) : "";
    $("raw-box").hidden = !c?.raw;
    $("timeline").hidden = !c || !this.events;
    $("timeline-list").replaceChildren(...timelineItems((c && this.events) || []));
    const admin = this.session.admin();
    $("handle-form").hidden = !c || !admin;
    $("handle-new").hidden = !!c?.handled;
    // A handled complaint counts as replied: nothing to mark.
    $("replied").hidden = !!c?.replied || !!c?.handled;
    $("unreplied").hidden = !c?.replied;
    $("unhandle").hidden = !c?.handled;
    $("order-box").hidden = !admin || !c?.order_id.trim();
    $("order").replaceChildren(...(c && o ? orderFields(o) : []));
    const state = c?.refund?.state;
    $("refund").hidden = !(admin && this.session.status()?.refunds_allowed && c?.total_fee && state !== "done" && state !== "pending");
    for (const id of [...Object.values(BUTTONS).flat(), "check-order", "refund"]) $<HTMLButtonElement>(id).disabled = this.busy;
    $<HTMLButtonElement>("refund-go").disabled = this.busy || confirmed(c) === null;
  }
}
