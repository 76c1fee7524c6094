/** Types of scripts/build-dashboard.mjs, for the tests that import it. */
export declare const OUT_DIR: string;

export interface DashboardBuild {
  outDir: string;
  /** Each file's path relative to `outDir` (`index.html`, `assets/dashboard.<hash>.js`, …) and size in bytes. */
  files: { path: string; bytes: number }[];
  /** Files written or removed (0 when the directory already held this build). */
  changed: number;
}

export declare function buildDashboard(outDir?: string): Promise<DashboardBuild>;

/** A file's size as the build reports it: `27.9 KB`. */
export declare function formatSize(bytes: number): string;

/** Vitest global setup. */
export default function setup(): Promise<void>;
