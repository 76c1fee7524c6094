/**
 * Complaints per Beijing day over the last 30 days (`#chart`): counted from the list API's pages (at most 20 of
 * 500), for the merchant the list is filtered to, drawn as SVG bars with the total in yuan.
 * @module
 */
import { yuan } from "../src/domain/money";
import { beijingDay, DAY_MS } from "../src/domain/time";
import { $, el, svg } from "./dom";
import { instant } from "./format";
import { T } from "./i18n";
import type { Session } from "./session";
import type { ListAnswer, ListedComplaint } from "./wire";

export interface Chart {
  /** The merchant filter it was counted for ("" for all). */
  mchid: string;
  /** Beijing day → [complaints, fen]. */
  days: Record<string, [number, number]>;
  n: number;
  fee: number;
  /** True when it stopped before the last page. */
  partial: boolean;
}

export const CHART_DAYS = 30;

/** The first Beijing day counted (the `since` of the chart's queries). */
export const chartSince = (now: number): string => beijingDay(now - (CHART_DAYS - 1) * DAY_MS);

export function emptyChart(mchid: string): Chart {
  return { mchid, days: {}, n: 0, fee: 0, partial: false };
}

/** Adds a page of complaints; one whose time is upstream text is left out. */
export function count(chart: Chart, complaints: readonly ListedComplaint[]): void {
  for (const c of complaints) {
    const t = instant(c.complaint_at);
    if (t === null) continue;
    const day = beijingDay(t);
    let d = chart.days[day];
    if (d === undefined) {
      d = [0, 0];
      chart.days[day] = d;
    }
    const fee = typeof c.total_fee === "number" && Number.isSafeInteger(c.total_fee) ? c.total_fee : 0;
    d[0]++;
    d[1] += fee;
    chart.n++;
    chart.fee += fee;
  }
}

/** The summary line (`#chart-sum`) and the bars with their axis (`#chart-box`). */
export function renderChart(chart: Chart, now: number): { summary: string; box: Node[] } {
  const keys: string[] = [];
  for (let i = CHART_DAYS - 1; i >= 0; i--) keys.push(beijingDay(now - i * DAY_MS));
  const counts = keys.map((k) => chart.days[k]?.[0] ?? 0);
  const top = Math.max(0, ...counts);
  const scale = Math.max(1, top);
  const summary = T("chartSummary", [chart.n, yuan(chart.fee)]) + (chart.partial ? T("chartPartial", [chart.n]) : "");
  const g = svg("svg", { viewBox: "0 0 300 100", preserveAspectRatio: "none", role: "img", "aria-labelledby": "chart-sum", class: "bars" });
  keys.forEach((k, i) => {
    const [n, fee] = chart.days[k] ?? [0, 0];
    const h = n ? Math.max(3, (n / scale) * 96) : 1;
    g.append(
      svg(
        "rect",
        { x: i * 10 + 1.5, y: 100 - h, width: 7, height: h, class: n ? "bar" : "bar zero" },
        svg("title", {}, T("chartDay", [k, n, yuan(fee)])),
      ),
    );
  });
  const axis = el(
    "div",
    { class: "axis" },
    el("span", null, keys[0]?.slice(5)),
    el("span", null, T("chartMax", [top])),
    el("span", null, keys[CHART_DAYS - 1]?.slice(5)),
  );
  return { summary, box: [g, axis] };
}

const MAX_PAGES = 20;

/** The chart panel: what it counted last, and its loading. */
export class ChartPanel {
  private chart: Chart | null = null;
  /** Counts the loads, so an answer that arrives after a newer request is dropped. */
  private seq = 0;

  constructor(private readonly session: Session) {}

  /** Whether it shows the chart of this merchant filter ("" for all). */
  shows(mchid: string): boolean {
    return this.chart !== null && this.chart.mchid === mchid;
  }

  async load(mchid: string): Promise<void> {
    const my = ++this.seq;
    const counted = emptyChart(mchid);
    let cursor: string | null = null;
    let pages = 0;
    try {
      do {
        const p = new URLSearchParams({ since: chartSince(Date.now()), limit: "500" });
        if (mchid) p.set("mchid", mchid);
        if (cursor) p.set("cursor", cursor);
        const data: ListAnswer = await this.session.call<ListAnswer>(`/api/complaints?${p}`);
        count(counted, data.complaints);
        cursor = data.next_cursor;
      } while (cursor && ++pages < MAX_PAGES);
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "list");
      return;
    }
    if (my !== this.seq) return;
    counted.partial = !!cursor;
    this.chart = counted;
    this.render();
  }

  /** Forgets the chart, so the next {@link shows} is false (refresh, sign-out). */
  forget(): void {
    this.chart = null;
  }

  reset(): void {
    this.chart = null;
    $("chart-box").replaceChildren();
    $("chart-sum").textContent = "";
  }

  render(): void {
    if (!this.chart) return;
    const { summary, box } = renderChart(this.chart, Date.now());
    $("chart-sum").textContent = summary;
    $("chart-box").replaceChildren(...box);
  }
}
