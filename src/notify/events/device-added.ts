/**
 * `device.added`: a sign-in code was claimed, so a new phone or browser holds a token. Every channel whose `events`
 * take it hears of it at once (whatever its `merchants`: a device sees every merchant), so a stolen code shows
 * itself. No tick queues it: the claim sends it (src/notify/now.ts). Webhook `{"event","at","device":{"id","name",
 * "role"}}`; chat `新设备已登录：店长手机（管理员）`.
 * @module
 */
import type { DeviceGrant } from "../../domain/device";
import { beijingTime, dashboardLink, linkBlock } from "../text";
import { defineEvent, type Queued } from "./event";

const NAME = "device.added";

export interface DeviceAddedNotice {
  kind: "device";
  event: typeof NAME;
  at: string;
  device: DeviceGrant;
}

const ROLE_NAME = { admin: "管理员", read: "只读" } as const;

export const deviceAddedNotice = (device: DeviceGrant, at: string): DeviceAddedNotice => ({
  kind: "device",
  event: NAME,
  at,
  device: { id: device.id, name: device.name, role: device.role },
});

const never = (): Queued<DeviceAddedNotice>[] => [];

export const deviceAdded = defineEvent({
  name: NAME,
  urgent: true,
  items: () => [],
  told: () => null,
  webhook: (): Queued<DeviceAddedNotice> => {
    throw new Error("device.added is sent when a code is claimed, never queued");
  },
  chat: never,
  draft(n, { publicUrl }) {
    const link = dashboardLink(publicUrl);
    return {
      title: `新设备已登录：${n.device.name}（${ROLE_NAME[n.device.role]}）`,
      blocks: [
        { kind: "field", label: "设备", value: n.device.name },
        { kind: "field", label: "权限", value: ROLE_NAME[n.device.role] },
        { kind: "field", label: "时间", value: beijingTime(n.at) },
        { kind: "note", text: "不是你或店员登录的？请在面板的“设备”里撤销它。" },
        ...linkBlock("查看", link),
      ],
      link,
    };
  },
  body: (n) => ({ event: n.event, at: n.at, device: n.device }),
});
