/**
 * One complaint's detail (`#detail`, address `#/complaints/{mchid}/{id}`): its fields, deadlines, marks and the raw
 * PAYJS data. With the note of `#handle-note`, `#replied` marks it replied (`PUT …/replied`) and `#handle` handled
 * (`PUT …/handled`), both with the admin token; `#unreplied` and `#unhandle` take a mark back (`DELETE`). Neither
 * tells PAYJS anything, which the help line says. A read token's 403 is said in the message bar.
 * @module
 */
import { complaintFields } from "./complaint-view";
import { $ } from "./dom";
import { one, say } from "./messages";
import type { Session } from "./session";
import type { Complaint, ComplaintAnswer } from "./wire";

type Kind = "replied" | "handled";

/** The button that sets each mark, and the one that takes it back. */
const BUTTONS: Record<Kind, [set: string, undo: string]> = { replied: ["replied", "unreplied"], handled: ["handle", "unhandle"] };

export class ComplaintDetail {
  private complaint: Complaint | null = null;
  /** Counts the loads, so an answer that arrives after a newer request (or after leaving) is dropped. */
  private seq = 0;
  /** A mark or an undo is under way. */
  private busy = false;

  constructor(private readonly session: Session) {
    $("handle-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.mark("handled", true);
    });
    $("replied").addEventListener("click", () => void this.mark("replied", true));
    $("unreplied").addEventListener("click", () => void this.mark("replied", false));
    $("unhandle").addEventListener("click", () => void this.mark("handled", false));
  }

  async load(mchid: string, id: string): Promise<void> {
    const my = ++this.seq;
    if (this.complaint?.mchid !== mchid || this.complaint.id !== id) this.note().value = "";
    this.complaint = null;
    this.render();
    say("detail", one("info", "loading"));
    try {
      const path = `/api/complaints/${encodeURIComponent(id)}?mchid=${encodeURIComponent(mchid)}`;
      const data = await this.session.call<ComplaintAnswer>(path);
      if (my !== this.seq) return;
      this.complaint = data.complaint;
      say("detail", null);
      this.render();
      $("detail-h").focus();
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "detail");
    }
  }

  private note(): HTMLTextAreaElement {
    return $<HTMLTextAreaElement>("handle-note");
  }

  /** Sets the `kind` mark (with the note typed, if any), or takes it back. */
  private async mark(kind: Kind, on: boolean): Promise<void> {
    const c = this.complaint;
    if (!c || this.busy) return;
    const my = this.seq;
    const note = this.note().value.trim();
    this.busy = true;
    this.render();
    let done = false;
    try {
      const path = `/api/complaints/${encodeURIComponent(c.id)}/${kind}?mchid=${encodeURIComponent(c.mchid)}`;
      const { complaint } = await this.session.call<ComplaintAnswer>(path, on ? "PUT" : "DELETE", on ? (note ? { note } : {}) : undefined);
      this.session.changed(complaint);
      if (my !== this.seq) return;
      this.complaint = complaint;
      if (on) this.note().value = "";
      say("detail", null);
      done = true;
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "detail");
    } finally {
      this.busy = false;
      if (my === this.seq) this.render();
    }
    // The button pressed is gone: the focus goes to what replaced it.
    if (done) {
      const ids = on ? [BUTTONS[kind][1]] : kind === "replied" ? ["replied", "unhandle"] : ["handle-note"];
      ids
        .map((id) => $(id))
        .find((e) => e.offsetParent)
        ?.focus();
    }
  }

  /** Back on the list: a load still under way is dropped. */
  leave(): void {
    this.seq++;
    say("detail", null);
  }

  reset(): void {
    this.complaint = null;
    this.note().value = "";
    this.render();
  }

  render(): void {
    const c = this.complaint;
    const remind = this.session.status()?.deadlines?.remind_before_hours ?? [];
    $("detail-dl").replaceChildren(...(c ? complaintFields(c, this.session.label(c.mchid), remind) : []));
    $("raw").textContent = c ? JSON.stringify(c.raw, null, 2) : "";
    $("handle-form").hidden = !c;
    $("handle-new").hidden = !!c?.handled;
    // A handled complaint counts as replied: nothing to mark.
    $("replied").hidden = !!c?.replied || !!c?.handled;
    $("unreplied").hidden = !c?.replied;
    $("unhandle").hidden = !c?.handled;
    for (const [set, undo] of Object.values(BUTTONS)) for (const id of [set, undo]) $<HTMLButtonElement>(id).disabled = this.busy;
  }
}
