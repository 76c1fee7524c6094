/**
 * The admin's devices (`#devices`, from `GET /api/devices`): each with its role, when it was added, the Beijing day it
 * was last used and whether its code still waits to be scanned, and a button that revokes it (or cancels its code,
 * `DELETE /api/devices/{id}`) on a second press, so one stray tap never signs a phone out. `#add-device` opens
 * `#device-dialog`: a name (`#device-name`) and a role (`#device-role`), then `#device-create` (`POST /api/devices`)
 * shows the one-time sign-in code as a QR code (`#device-qr`), its link in `#device-link` (readonly, so it can be
 * selected), `#device-copy` and when the code expires.
 * @module
 */
import { copyText } from "./copy";
import { $, cell, el, table } from "./dom";
import { bj } from "./format";
import { T } from "./i18n";
import { qrSvg } from "./qr";
import type { Session } from "./session";
import type { StringKey } from "./strings";
import type { DevicesAnswer, NewDevice } from "./wire";

const dialog = (): HTMLDialogElement => $<HTMLDialogElement>("device-dialog");
const link = (): HTMLInputElement => $<HTMLInputElement>("device-link");

export class DevicePanel {
  private devices: DevicesAnswer["devices"] | null = null;
  /** The code made in the dialog, while it shows it. */
  private made: NewDevice | null = null;
  /** The device whose revoke button was pressed once. */
  private arming: string | null = null;
  private busy = false;
  /** What the dialog says, by string key. */
  private said: StringKey | null = null;
  /** Counts reads of the list: an answer that comes after a later read, or after sign-out, is dropped. */
  private seq = 0;

  constructor(private readonly session: Session) {
    $("add-device").addEventListener("click", () => this.open());
    $("device-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.create();
    });
    $("device-close").addEventListener("click", () => dialog().close());
    dialog().addEventListener("close", () => {
      // A code shown may have been scanned meanwhile.
      if (this.made) void this.load();
    });
    $("device-copy").addEventListener("click", async () => {
      this.said = (await copyText(link())) ? "copied" : "copyManual";
      this.render();
    });
    $("device-list").addEventListener("click", (ev) => {
      const id = (ev.target as Element).closest("button")?.dataset.device;
      if (id !== undefined) void this.revoke(id);
    });
  }

  get loaded(): boolean {
    return this.devices !== null;
  }

  async load(): Promise<void> {
    const my = ++this.seq;
    try {
      const { devices } = await this.session.call<DevicesAnswer>("/api/devices");
      if (my !== this.seq) return;
      this.devices = devices;
      this.render();
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "status");
    }
  }

  private open(): void {
    this.made = null;
    this.said = null;
    this.forgetLink();
    $<HTMLInputElement>("device-name").value = "";
    this.render();
    dialog().showModal();
  }

  private async create(): Promise<void> {
    const name = $<HTMLInputElement>("device-name").value.trim();
    if (this.busy || !name) return;
    this.busy = true;
    this.render();
    try {
      this.made = await this.session.call<NewDevice>("/api/devices", "POST", { name, role: $<HTMLSelectElement>("device-role").value });
      this.said = null;
      const qr = qrSvg(this.made.url, T("deviceLink"));
      qr.id = "device-qr";
      $("device-qr-box").replaceChildren(qr);
      link().value = this.made.url;
      void this.load();
    } catch (e) {
      dialog().close();
      this.session.fail(e, "status");
    } finally {
      this.busy = false;
      this.render();
    }
  }

  /** The first press arms the button; the second revokes the device (or cancels its code) and reads the list again. */
  private async revoke(id: string): Promise<void> {
    if (this.arming !== id) {
      this.arming = id;
      this.render();
      return;
    }
    this.arming = null;
    this.busy = true;
    this.render();
    try {
      await this.session.call(`/api/devices/${encodeURIComponent(id)}`, "DELETE");
    } catch (e) {
      this.session.fail(e, "status");
    } finally {
      this.busy = false;
      this.render();
    }
    // A refusal that signed the page out leaves nothing to read again.
    if (this.session.admin()) await this.load();
  }

  /** Forgets everything shown, the last sign-in link and its QR code first: a code left on a shared computer could still be claimed. */
  reset(): void {
    this.seq++;
    this.devices = this.made = this.arming = null;
    this.forgetLink();
    dialog().close();
    $("device-list").replaceChildren();
  }

  private forgetLink(): void {
    link().value = "";
    $("device-qr-box").replaceChildren();
  }

  render(): void {
    const m = this.made;
    $("device-new").hidden = $("device-create").hidden = !!m;
    $("device-made").hidden = !m;
    $("device-expires").textContent = m ? T("deviceExpires", [bj(m.expires_at)]) : "";
    $("device-msg").replaceChildren(this.said ? el("p", { class: this.said === "copied" ? "" : "warn" }, T(this.said)) : "");
    $<HTMLButtonElement>("device-create").disabled = this.busy;
    if (!this.devices) return;
    const rows = this.devices.map((d) => {
      const action: StringKey = d.pending ? "cancelCode" : "revoke";
      return el(
        "tr",
        { "data-device-id": d.id },
        cell("devicesTitle", d.name),
        cell("deviceRole", T(d.role === "admin" ? "roleAdmin" : "roleRead")),
        cell("colCreated", bj(d.created_at)),
        cell("colLastSeen", d.last_seen_on ?? "—"),
        cell("state", T(d.pending ? "devicePending" : "deviceIn")),
        cell(
          "revoke",
          el(
            "button",
            { type: "button", class: this.arming === d.id ? "bad" : "sec", "data-device": d.id, disabled: this.busy ? "" : null },
            this.arming === d.id ? T("sure", [T(action)]) : T(action),
          ),
        ),
      );
    });
    $("device-list").replaceChildren(
      rows.length
        ? table(["devicesTitle", "deviceRole", "colCreated", "colLastSeen", "state", "revoke"], rows)
        : el("p", { class: "hint" }, T("noDevices")),
    );
  }
}
