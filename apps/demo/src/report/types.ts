/**
 * How a quantity is shown. Accuracies and error rates are stored as fractions and shown as
 * percent ("93.06 %"); their differences as percentage points ("+1.10 pts"). Losses and other
 * numbers are shown as they are.
 */
export type Unit = 'percent' | 'points' | 'number';

/** The split a series was measured on: solid for training data, dashed for test data. */
export type Split = 'train' | 'test' | 'none';

/** One line or bar series of a chart. */
export interface Series {
  /** The configuration the series belongs to: it picks the colour, the same in every chart. */
  config: string;
  /** Train (solid) or test (dashed); 'none' for series that are neither (solid). */
  split: Split;
  /** Values per x label; null leaves a gap. */
  data: (number | null)[];
  /** Optional spread over seeds per x label (drawn as a light band). */
  low?: (number | null)[];
  high?: (number | null)[];
  /** Legend text; default `config` plus the split. */
  label?: string;
}

/** A chart in the report, drawn by Chart.js. */
export interface ChartSpec {
  title: string;
  type: 'line' | 'bar';
  /** x-axis categories (epochs, rates, sizes, bins). */
  labels: (number | string)[];
  datasets: Series[];
  xLabel: string;
  yLabel: string;
  /** How y values are shown (axis ticks and tooltips). */
  yUnit: Unit;
  /** Logarithmic y axis (losses spanning decades). */
  yLog?: boolean;
}

/** A grid of small grey-scale or signed images (features, digits). */
export interface ImagePanel {
  title: string;
  /** One sentence on what to see. */
  caption: string;
  width: number;
  height: number;
  /**
   * 'gray': values in [0, 1], black to white. 'signed': each image scaled by its largest
   * |value|, negative blue, zero white, positive red.
   */
  scale: 'gray' | 'signed';
  images: { label: string; pixels: number[] }[];
}

/** A table: header cells and rows of already formatted cells. */
export interface Table {
  columns: string[];
  rows: (string | number)[][];
}

/** Everything a command reports: findings, a table, charts, images and the raw metrics. */
export interface Report {
  command: string;
  title: string;
  /** Sentences generated from the numbers, most important first. */
  findings: string[];
  /** True for `--quick`: a smoke test, too small to show the effects. */
  quick: boolean;
  /** The settings that matter for this run (only those that apply). */
  settings: Record<string, unknown>;
  table: Table;
  charts: ChartSpec[];
  images?: ImagePanel[];
  metrics: unknown;
}

/** The line every quick report and terminal summary carries. */
export const QUICK_NOTICE =
  'Smoke test (--quick): tiny network, data and epochs. It checks that the command runs; it is too small to show the effect.';
