// Sparsity patterns of a Gaussian's precision on an H×W pixel grid: each pixel is tied to its 4 or 8
// nearest neighbours. Edges are grouped into offset classes (right, down, down-right, down-left);
// each class is a compact rectangle of "anchor" pixels, one free value per edge, so the precision is
// symmetric by construction: the same value serves Λ[p, p+o] and Λ[p+o, p].
//   28×28: 784 diagonal + 1,512 edges (4-connected) or + 2,970 edges (8-connected).

export type Connectivity = 4 | 8;

export interface Offset {
  name: 'right' | 'down' | 'down-right' | 'down-left';
  dy: number;
  dx: number;
}

/** One offset class: its anchors fill rows [0, rows) × cols [col0, col0 + cols); partner = anchor + (dy, dx). */
export interface EdgeClass extends Offset {
  rows: number;
  cols: number;
  col0: number;
  /** Number of edges (= rows · cols). */
  count: number;
}

export interface GridStructure {
  height: number;
  width: number;
  connectivity: Connectivity;
  /** D = height · width; pixels are numbered row-major. */
  size: number;
  edgeClasses: EdgeClass[];
  /** Total number of edges (off-diagonal free values). */
  edgeCount: number;
  /** Largest |i − j| over the pattern (width + 1 for 8-connected, width for 4-connected). */
  bandwidth: number;
}

const OFFSETS_4: Offset[] = [
  { name: 'right', dy: 0, dx: 1 },
  { name: 'down', dy: 1, dx: 0 },
];
const OFFSETS_8: Offset[] = [...OFFSETS_4, { name: 'down-right', dy: 1, dx: 1 }, { name: 'down-left', dy: 1, dx: -1 }];

export function gridStructure(height: number, width: number, connectivity: Connectivity): GridStructure {
  if (!(Number.isInteger(height) && height >= 1 && Number.isInteger(width) && width >= 1)) {
    throw new Error(`gridStructure: height and width must be positive integers, got ${height}×${width}`);
  }
  if (connectivity !== 4 && connectivity !== 8) {
    throw new Error(`gridStructure: connectivity must be 4 or 8, got ${connectivity}`);
  }
  const edgeClasses = (connectivity === 4 ? OFFSETS_4 : OFFSETS_8).map((offset) => {
    const rows = height - offset.dy;
    const cols = width - Math.abs(offset.dx);
    return { ...offset, rows, cols, col0: Math.max(0, -offset.dx), count: Math.max(0, rows) * Math.max(0, cols) };
  });
  const edgeCount = edgeClasses.reduce((sum, c) => sum + c.count, 0);
  const size = height * width;
  const bandwidth = edgeCount === 0 ? 0 : Math.max(...edgeClasses.filter((c) => c.count > 0).map((c) => c.dy * width + c.dx));
  return { height, width, connectivity, size, edgeClasses, edgeCount, bandwidth };
}

/** Free parameters: one per diagonal entry and one per edge. */
export function parameterCount(structure: GridStructure): number {
  return structure.size + structure.edgeCount;
}

/** Calls visit(classIndex, edgeIndex, anchorPixel, partnerPixel) for every edge, class by class. */
export function forEachEdge(structure: GridStructure, visit: (classIndex: number, edgeIndex: number, anchor: number, partner: number) => void): void {
  const { width } = structure;
  structure.edgeClasses.forEach((c, k) => {
    const step = c.dy * width + c.dx;
    let e = 0;
    for (let r = 0; r < c.rows; r++) {
      for (let col = c.col0; col < c.col0 + c.cols; col++, e++) {
        const anchor = r * width + col;
        visit(k, e, anchor, anchor + step);
      }
    }
  });
}

/** Anchor and partner pixel of every edge of every class: anchors[k][e], partners[k][e]. */
export function edgeEndpoints(structure: GridStructure): { anchors: Int32Array[]; partners: Int32Array[] } {
  const anchors = structure.edgeClasses.map((c) => new Int32Array(c.count));
  const partners = structure.edgeClasses.map((c) => new Int32Array(c.count));
  forEachEdge(structure, (k, e, a, b) => {
    anchors[k][e] = a;
    partners[k][e] = b;
  });
  return { anchors, partners };
}

/**
 * For each pixel, its neighbourhood slots: slot 0 is the pixel itself, slots 1..m the partners
 * along each class's +offset, slots m+1..2m along −offset (−1 where the neighbour is off the grid).
 * The edge index of slot s is in `edgeOfSlot` (−1 for slot 0 and for missing neighbours).
 */
export interface Neighbourhoods {
  slots: number;
  /** [D, slots] pixel index or −1. */
  pixel: Int32Array;
  /** [D, slots] edge index inside the slot's class, or −1. */
  edgeOfSlot: Int32Array;
  /** Class index of slot s (−1 for slot 0). */
  classOfSlot: Int32Array;
}

export function neighbourhoods(structure: GridStructure): Neighbourhoods {
  const m = structure.edgeClasses.length;
  const slots = 1 + 2 * m;
  const D = structure.size;
  const pixel = new Int32Array(D * slots).fill(-1);
  const edgeOfSlot = new Int32Array(D * slots).fill(-1);
  const classOfSlot = new Int32Array(slots).fill(-1);
  for (let k = 0; k < m; k++) {
    classOfSlot[1 + k] = k;
    classOfSlot[1 + m + k] = k;
  }
  for (let i = 0; i < D; i++) pixel[i * slots] = i;
  forEachEdge(structure, (k, e, a, b) => {
    pixel[a * slots + 1 + k] = b;
    edgeOfSlot[a * slots + 1 + k] = e;
    pixel[b * slots + 1 + m + k] = a;
    edgeOfSlot[b * slots + 1 + m + k] = e;
  });
  return { slots, pixel, edgeOfSlot, classOfSlot };
}
