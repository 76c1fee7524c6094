/**
 * Devices (src/access/devices.ts): an admin makes a one-time sign-in code for a named device with a role (`POST
 * /api/devices`), the phone claims it for a token of its own (`POST /api/devices/claim`, no token: the code is the
 * credential), and an admin lists and revokes them (`GET`, `DELETE /api/devices[/{id}]`). `POST
 * /api/view-keys/rotate` (admin) makes every view link sent before it stop working.
 * @module
 */
import { Hono } from "hono";
import { claimDevice, createDevice, listDevices, revokeAllDevices, revokeDevice } from "../../access/devices";
import { rotateViewSecret } from "../../access/view-secret";
import { DEVICE_ROLES, type DeviceRole, deviceName, looksLikeCode } from "../../domain/device";
import { logEvent } from "../../log";
import { deviceAddedNotice } from "../../notify/events/device-added";
import { sendNow } from "../../notify/now";
import { dashboardLink } from "../../notify/text";
import { Store } from "../../store";
import { afterwards } from "../after-answer";
import { HttpError } from "../errors";
import { badBody, jsonBody } from "../json-body";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import type { AppEnv } from "../types";

/** The claim, which needs no token: registered before the authentication of `/api/*`. */
export const claimRoutes = new Hono<AppEnv>();
export const deviceRoutes = new Hono<AppEnv>();

/** Whatever was wrong with a code (malformed, unknown, used, expired, cancelled), the answer is the same. */
const badCode = () =>
  new HttpError(400, "bad_code", "This sign-in code does not work (used, expired or mistyped): make a new one on the computer");

claimRoutes.post("/devices/claim", async (c) => {
  const { code } = await jsonBody(c, { maxBytes: 1024, fields: ["code"], example: '{"code":"…"}', emptyIsNone: false });
  // A malformed code is refused before anything is read.
  if (!looksLikeCode(code)) throw badCode();
  const now = Date.now();
  const claimed = await claimDevice(new Store(c.env.COMPLAINTS), code, now);
  if (claimed === null) throw badCode();
  const { token, device } = claimed;
  logEvent("device", { outcome: "claimed", device: device.id, role: device.role });
  const { channels, publicUrl } = c.get("config");
  await afterwards(c, "alert", sendNow(channels, deviceAddedNotice(device, new Date(now).toISOString()), { publicUrl, now, at: now }));
  c.header("Cache-Control", "no-store");
  return c.json({ token, device: { id: device.id, name: device.name, role: device.role, created_at: device.created_at } });
});
claimRoutes.all("/devices/claim", methodNotAllowed("POST"));

deviceRoutes.post("/devices", requireRole("admin"), async (c) => {
  const body = await jsonBody(c, {
    maxBytes: 1024,
    fields: ["name", "role"],
    example: '{"name":"店长手机","role":"read"}',
    emptyIsNone: false,
  });
  const name = deviceName(body.name);
  if (!name.ok) throw badBody("name", name.message);
  const role = body.role ?? "read";
  if (!DEVICE_ROLES.includes(role as DeviceRole)) throw badBody("role", 'role must be "read" or "admin"');
  const now = Date.now();
  const { device, code } = await createDevice(new Store(c.env.COMPLAINTS), name.name, role as DeviceRole, now);
  logEvent("device", { outcome: "created", device: device.id, role: device.role });
  const base = dashboardLink(c.get("config").publicUrl) ?? `${new URL(c.req.url).origin}/`;
  c.header("Cache-Control", "no-store");
  return c.json({ id: device.id, code, expires_at: device.code_expires_at, url: `${base}#signin=${code}` }, 201);
});

deviceRoutes.get("/devices", requireRole("admin"), async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json({ devices: await listDevices(new Store(c.env.COMPLAINTS), Date.now()) });
});

deviceRoutes.delete("/devices", requireRole("admin"), async (c) => {
  const revoked = await revokeAllDevices(new Store(c.env.COMPLAINTS), Date.now());
  logEvent("device", { outcome: "revoked_all", devices: revoked });
  return c.json({ revoked });
});
deviceRoutes.all("/devices", methodNotAllowed("GET, POST, DELETE"));

deviceRoutes.delete("/devices/:id", requireRole("admin"), async (c) => {
  const id = c.req.param("id");
  if (!(await revokeDevice(new Store(c.env.COMPLAINTS), id, Date.now()))) throw new HttpError(404, "not_found", `No device ${id}`);
  logEvent("device", { outcome: "revoked", device: id });
  return c.json({ revoked: 1 });
});
deviceRoutes.all("/devices/:id", methodNotAllowed("DELETE"));

deviceRoutes.post("/view-keys/rotate", requireRole("admin"), async (c) => {
  const since = await rotateViewSecret(new Store(c.env.COMPLAINTS), Date.now());
  logEvent("view_keys", { outcome: "rotated" });
  return c.json({ rotated_at: since });
});
deviceRoutes.all("/view-keys/rotate", methodNotAllowed("POST"));
