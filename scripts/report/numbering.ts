// Figure and table numbers for the whole report, so that the three notebooks read as one document
// and a grader finds the homework's Figures 1–13 and Tables 1–2 under those numbers.
//
// Two series, each continuous across the notebooks in reading order:
// - a figure or table that answers a homework figure or table carries the homework's number
//   ("Figure 6", with letters a, b, … when several outputs make up one homework figure);
// - every other figure or table is supplementary: "Figure S1", "Table S1", … .
// Homework numbers come from the notebooks themselves where they can: a section heading that names
// one figure ("### Figure 9 · Random training patches") gives it to every image in the section, and a
// table whose caption starts "Table 2" is Table 2. Notebook 01 groups several figures under one heading
// ("Samples (Figures 1–4)"), so its images are assigned here, by position, in SECTION_FIGURES: the one
// place that states the correspondence. An image beyond a listed section's length is supplementary.

/** Homework figure numbers of the images of one section, in order; null marks a supplementary image. */
export interface SectionFigures {
  notebook: string;
  section: RegExp;
  figures: (number | null)[];
}

export const SECTION_FIGURES: SectionFigures[] = [
  // empirical correlation (supplementary), empirical precision as a matrix and on the pixel grid
  { notebook: '01', section: /^Empirical covariance and precision/, figures: [null, 5, 5] },
  // SM 4- then 8-connected, each by Cholesky and by Σ^½; then NCE 4, 8 and cNCE 4, 8 by Cholesky
  { notebook: '01', section: /^Samples/, figures: [1, 1, 2, 2, 3, 3, 4, 4] },
  // (the learned precisions sit under "### Figure 6 · …" and "### Figure 7 · …" headings)
  // SM, NCE and cNCE loss curves
  { notebook: '01', section: /^Loss curves/, figures: [8, 8, 8] },
];

/** Where an output sits: its notebook prefix ("01"), the text of the heading above it, and its place among that section's images. */
export interface OutputPlace {
  notebook: string;
  section: string;
  indexInSection: number;
}

/** The homework figure an image answers, or null for a supplementary one. */
export function homeworkFigure(place: OutputPlace, table: SectionFigures[] = SECTION_FIGURES): number | null {
  const listed = table.find((entry) => entry.notebook === place.notebook && entry.section.test(place.section));
  if (listed) return listed.figures[place.indexInSection] ?? null;
  const named = /^Figure\s+(\d+)\b/.exec(place.section);
  return named ? Number(named[1]) : null;
}

/** The homework table a caption names ("Table 2 · …" → 2), or null. */
export function homeworkTable(caption: string): number | null {
  const named = /^\s*Table\s+(\d+)\b/.exec(caption);
  return named ? Number(named[1]) : null;
}

/**
 * Labels for a sequence of items in reading order, given the homework number of each (or null):
 * homework items keep their number, lettered when it occurs more than once; the others are S1, S2, ….
 */
export function labels(homework: (number | null)[]): string[] {
  const total = new Map<number, number>();
  for (const n of homework) if (n !== null) total.set(n, (total.get(n) ?? 0) + 1);
  const seen = new Map<number, number>();
  let supplementary = 0;
  return homework.map((n) => {
    if (n === null) return `S${++supplementary}`;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return (total.get(n) ?? 1) > 1 ? `${n}${letter(k)}` : String(n);
  });
}

/** a, b, …, z, then aa, ab, … (a section with more than 26 panels stays readable). */
function letter(k: number): string {
  let out = '';
  for (let n = k; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(97 + ((n - 1) % 26)) + out;
  return out;
}
