/**
 * Complaints per Beijing day over the last 30 days (`#chart`): one `GET /api/daily` (the counts the Worker keeps per
 * day as complaints arrive, never the list), for the merchant the list is filtered to, drawn as SVG bars with the
 * total in yuan.
 * @module
 */
import { yuan } from "../src/domain/money";
import { $, el, svg } from "./dom";
import { T } from "./i18n";
import type { Session } from "./session";
import type { DailyAnswer, DayCount } from "./wire";

export interface Chart {
  /** The merchant filter it was asked for ("" for all). */
  mchid: string;
  /** Every day of the range, oldest first. */
  days: DayCount[];
}

/** The summary line (`#chart-sum`) and the bars with their axis (`#chart-box`). */
export function renderChart({ days }: Chart): { summary: string; box: Node[] } {
  let n = 0;
  let fee = 0;
  let top = 0;
  for (const d of days) {
    n += d.complaints;
    fee += d.total_fee;
    top = Math.max(top, d.complaints);
  }
  const g = svg("svg", { viewBox: "0 0 300 100", preserveAspectRatio: "none", role: "img", "aria-labelledby": "chart-sum", class: "bars" });
  days.forEach((d, i) => {
    const h = d.complaints ? Math.max(3, (d.complaints / top) * 96) : 1;
    g.append(
      svg(
        "rect",
        { x: i * 10 + 1.5, y: 100 - h, width: 7, height: h, class: d.complaints ? "bar" : "bar zero" },
        svg("title", {}, T("chartDay", [d.day, d.complaints, yuan(d.total_fee)])),
      ),
    );
  });
  const axis = el(
    "div",
    { class: "axis" },
    el("span", null, days[0]?.day.slice(5)),
    el("span", null, T("chartMax", [top])),
    el("span", null, days.at(-1)?.day.slice(5)),
  );
  return { summary: T("chartSummary", [n, yuan(fee)]), box: [g, axis] };
}

/** The chart panel: what it was answered last, and its loading. */
export class ChartPanel {
  private chart: Chart | null = null;
  /** Counts the loads, so an answer that arrives after a newer request is dropped. */
  private seq = 0;

  constructor(private readonly session: Session) {}

  /** Whether it shows the chart of this merchant filter ("" for all). */
  shows(mchid: string): boolean {
    return this.chart?.mchid === mchid;
  }

  /** The 30 Beijing days up to today, the API's default range. */
  async load(mchid: string): Promise<void> {
    const my = ++this.seq;
    let data: DailyAnswer;
    try {
      data = await this.session.call<DailyAnswer>(`/api/daily${mchid ? `?mchid=${encodeURIComponent(mchid)}` : ""}`);
    } catch (e) {
      if (my === this.seq) this.session.fail(e, "list");
      return;
    }
    if (my !== this.seq) return;
    this.chart = { mchid, days: data.days ?? [] };
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
    const { summary, box } = renderChart(this.chart);
    $("chart-sum").textContent = summary;
    $("chart-box").replaceChildren(...box);
  }
}
