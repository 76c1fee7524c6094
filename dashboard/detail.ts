/**
 * One complaint's detail (`#detail`, address `#/complaints/{mchid}/{id}`): its fields and the raw PAYJS data.
 * @module
 */
import { complaintFields } from "./complaint-view";
import { $ } from "./dom";
import { one, say } from "./messages";
import type { Session } from "./session";
import type { Complaint } from "./wire";

export class ComplaintDetail {
  private complaint: Complaint | null = null;
  /** Counts the loads, so an answer that arrives after a newer request (or after leaving) is dropped. */
  private seq = 0;

  constructor(private readonly session: Session) {}

  async load(mchid: string, id: string): Promise<void> {
    const my = ++this.seq;
    this.complaint = null;
    this.render();
    say("detail", one("info", "loading"));
    try {
      const path = `/api/complaints/${encodeURIComponent(id)}?mchid=${encodeURIComponent(mchid)}`;
      const data = await this.session.call<{ complaint: Complaint }>(path);
      if (my !== this.seq) return;
      this.complaint = data.complaint;
      say("detail", null);
      this.render();
      $("detail-h").focus();
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "detail");
    }
  }

  /** Back on the list: a load still under way is dropped. */
  leave(): void {
    this.seq++;
    say("detail", null);
  }

  reset(): void {
    this.complaint = null;
    this.render();
  }

  render(): void {
    const c = this.complaint;
    $("detail-dl").replaceChildren(...(c ? complaintFields(c, this.session.label(c.mchid)) : []));
    $("raw").textContent = c ? JSON.stringify(c.raw, null, 2) : "";
  }
}
