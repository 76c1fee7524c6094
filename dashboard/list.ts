/**
 * The complaint list `#rows`: one page at a time from `GET /api/complaints` with the address's filters (active
 * complaints unless it says `active=all` or `active=false`) and order (soonest deadline first unless it says
 * `sort=newest`), paged
 * by `next_cursor` (the cursors of the pages seen are kept for going back), the range line `#range`, and the
 * empty states in the message bar.
 * @module
 */
import { filterParams, pageSize, sortOrder } from "./address";
import { complaintRow } from "./complaint-view";
import { $ } from "./dom";
import { bj } from "./format";
import { T } from "./i18n";
import { type Msg, one, say } from "./messages";
import type { Session } from "./session";
import type { Complaint, ListAnswer, ListedComplaint } from "./wire";

export class ComplaintList {
  private page: ListAnswer | null = null;
  /** The cursor of each page seen so far (the first page has none). */
  private cursors: (string | null)[] = [null];
  private pageNo = 0;
  /** The filters and page size the list was loaded for. */
  private key: string | null = null;
  /** Counts the loads, so an answer that arrives after a newer request is dropped. */
  private seq = 0;
  /** The complaint last opened (`[mchid, id]`), whose row gets the focus back. */
  opened: [mchid: string, id: string] | null = null;

  constructor(private readonly session: Session) {}

  get loaded(): boolean {
    return this.page !== null;
  }

  /** Shows the list the address asks for: loads its first page when the filters, the order or the page size changed. */
  show(): void {
    const key = `${filterParams()}|${sortOrder()}|${pageSize()}`;
    if (key === this.key) {
      this.render();
      return;
    }
    this.key = key;
    this.cursors = [null];
    this.pageNo = 0;
    void this.load();
  }

  /** Loads the current page again. */
  async load(): Promise<void> {
    const my = ++this.seq;
    const p = filterParams();
    p.set("sort", sortOrder());
    p.set("limit", String(pageSize()));
    const cursor = this.cursors[this.pageNo];
    if (cursor) p.set("cursor", cursor);
    $("table").setAttribute("aria-busy", "true");
    say("list", one("info", "loading"));
    let data: ListAnswer;
    try {
      data = await this.session.call<ListAnswer>(`/api/complaints?${p}`);
    } catch (e) {
      if (my === this.seq) {
        this.page = null;
        this.render();
        this.session.fail(e, "list");
      }
      return;
    }
    if (my !== this.seq) return;
    this.page = data;
    this.render();
  }

  /** The next page, then the focus on its first row. */
  async next(): Promise<void> {
    if (!this.page?.next_cursor) return;
    this.cursors[this.pageNo + 1] = this.page.next_cursor;
    this.pageNo++;
    await this.load();
    this.focusFirstRow();
  }

  async prev(): Promise<void> {
    if (this.pageNo === 0) return;
    this.pageNo--;
    await this.load();
    this.focusFirstRow();
  }

  /** Forgets everything (sign-out). */
  reset(): void {
    this.page = null;
    this.key = null;
    $("rows").replaceChildren();
    $("range").textContent = "";
  }

  render(): void {
    const { page } = this;
    $("table").removeAttribute("aria-busy");
    const list = page?.complaints ?? [];
    $("rows").replaceChildren(...list.map((c) => this.row(c)));
    $<HTMLButtonElement>("prev").disabled = this.pageNo === 0 || !page;
    $<HTMLButtonElement>("next").disabled = !page?.next_cursor;
    if (!page) {
      $("range").textContent = "";
      return;
    }
    const start = this.pageNo * pageSize();
    $("range").textContent =
      (list.length ? T("range", [start + 1, start + list.length, page.total]) : "") +
      (page.updated_at ? (list.length ? " · " : "") + T("updated", [bj(page.updated_at)]) : "");
    say("list", list.length ? null : this.emptyMessage());
    this.focusOpened();
  }

  /** A complaint changed (a mark set or taken back): its row shows it, in place, if it is on this page. */
  update(c: Complaint): void {
    const list = this.page?.complaints ?? [];
    const i = list.findIndex((x) => x.id === c.id && x.mchid === c.mchid);
    if (i < 0) return;
    list[i] = c;
    this.findRow(c.mchid, c.id)?.replaceWith(this.row(c));
  }

  private row(c: ListedComplaint): HTMLTableRowElement {
    return complaintRow(c, this.session.shortName(c.mchid), this.session.status()?.deadlines?.remind_before_hours ?? []);
  }

  private findRow(mchid: string, id: string): HTMLElement | undefined {
    return [...$("rows").querySelectorAll<HTMLElement>("tr[data-complaint-id]")].find(
      (tr) => tr.dataset.complaintId === id && tr.dataset.mchid === mchid,
    );
  }

  /** Why the list is empty: the filters, no poll yet, no active complaint (the default), or no complaint at all. */
  private emptyMessage(): Msg[] | null {
    const status = this.session.status();
    const ms = status?.merchants ?? [];
    const p = filterParams();
    const active = p.get("active");
    p.delete("active");
    if (String(p) || active === "false") return one("info", "msgNoMatch");
    if (ms.length && !ms.some((m) => m.last_success_at)) return one("info", "msgNeverPolled");
    if (!status || ms.length) return one("info", active ? "msgNoActive" : "msgEmpty");
    return null; // no merchant: the status says so
  }

  /** Back from a complaint's detail, the focus returns to its row. */
  private focusOpened(): void {
    const opened = this.opened;
    if (!opened || $("list").hidden) return; // a render behind the detail keeps it for the way back
    const row = this.findRow(opened[0], opened[1]);
    if (!row) return;
    this.opened = null;
    row.querySelector("a")?.focus();
  }

  private focusFirstRow(): void {
    $("rows").querySelector("a")?.focus();
  }
}
