/**
 * One complaint's detail (`#detail`, address `#/complaints/{mchid}/{id}`): its fields, its handled mark and the raw
 * PAYJS data; `#handle` marks it handled with the note of `#handle-note` (`PUT …/handled`, admin token), `#unhandle`
 * takes the mark back (`DELETE`). A read token's 403 is said in the message bar.
 * @module
 */
import { complaintFields } from "./complaint-view";
import { $ } from "./dom";
import { one, say } from "./messages";
import type { Session } from "./session";
import type { Complaint, ComplaintAnswer } from "./wire";

export class ComplaintDetail {
  private complaint: Complaint | null = null;
  /** Counts the loads, so an answer that arrives after a newer request (or after leaving) is dropped. */
  private seq = 0;
  /** A mark or an undo is under way. */
  private busy = false;

  constructor(private readonly session: Session) {
    $("handle-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.mark(true);
    });
    $("unhandle").addEventListener("click", () => void this.mark(false));
  }

  async load(mchid: string, id: string): Promise<void> {
    const my = ++this.seq;
    if (this.complaint?.mchid !== mchid || this.complaint.id !== id) $<HTMLTextAreaElement>("handle-note").value = "";
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

  /** Marks the complaint handled (with the note typed, if any), or takes the mark back. */
  private async mark(on: boolean): Promise<void> {
    const c = this.complaint;
    if (!c || this.busy) return;
    const my = this.seq;
    const note = $<HTMLTextAreaElement>("handle-note").value.trim();
    this.busy = true;
    this.render();
    let done = false;
    try {
      const path = `/api/complaints/${encodeURIComponent(c.id)}/handled?mchid=${encodeURIComponent(c.mchid)}`;
      const { complaint } = await this.session.call<ComplaintAnswer>(path, on ? "PUT" : "DELETE", on ? (note ? { note } : {}) : undefined);
      this.session.changed(complaint);
      if (my !== this.seq) return;
      this.complaint = complaint;
      if (on) $<HTMLTextAreaElement>("handle-note").value = "";
      say("detail", null);
      done = true;
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "detail");
    } finally {
      this.busy = false;
      if (my === this.seq) this.render();
    }
    // The button pressed is gone: the focus goes to what replaced it.
    if (done) $(on ? "unhandle" : "handle-note").focus();
  }

  /** Back on the list: a load still under way is dropped. */
  leave(): void {
    this.seq++;
    say("detail", null);
  }

  reset(): void {
    this.complaint = null;
    $<HTMLTextAreaElement>("handle-note").value = "";
    this.render();
  }

  render(): void {
    const c = this.complaint;
    $("detail-dl").replaceChildren(
      ...(c ? complaintFields(c, this.session.label(c.mchid), this.session.status()?.remind_after_hours) : []),
    );
    $("raw").textContent = c ? JSON.stringify(c.raw, null, 2) : "";
    $("handle-form").hidden = !c;
    $("handle-new").hidden = !!c?.handled;
    $("unhandle").hidden = !c?.handled;
    for (const id of ["handle", "unhandle"]) $<HTMLButtonElement>(id).disabled = this.busy;
  }
}
