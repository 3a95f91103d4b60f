// Colormaps as lookup tables, so that colouring a 784×784 matrix costs one table read per entry.

/** RGB bytes of LUT_SIZE colours, index 0 = low end, LUT_SIZE-1 = high end. */
export interface Colormap {
  name: string;
  lut: Uint8Array;
}

// Odd, so that the centre of a diverging map (value 0) has an exact entry: the white one.
export const LUT_SIZE = 1025;

// ColorBrewer RdBu (11 classes), reversed so that negative is blue, with the centre made pure white
// so that exact zeros read as "nothing there".
const DIVERGING_STOPS = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#ffffff', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'];

// viridis (perceptually uniform, colour-blind safe), sampled at 9 evenly spaced points.
const SEQUENTIAL_STOPS = ['#440154', '#472c7a', '#3b518b', '#2c718e', '#21908d', '#27ad81', '#5cc863', '#aadc32', '#fde725'];

/** Colour for non-finite values: a grey that neither map contains, so NaN/Inf stay visible. */
export const NON_FINITE_RGB: [number, number, number] = [128, 128, 128];

function parseHex(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function buildLut(stops: string[]): Uint8Array {
  const rgb = stops.map(parseHex);
  const lut = new Uint8Array(3 * LUT_SIZE);
  for (let i = 0; i < LUT_SIZE; i++) {
    const position = (i / (LUT_SIZE - 1)) * (rgb.length - 1);
    const lower = Math.min(Math.floor(position), rgb.length - 2);
    const t = position - lower;
    for (let c = 0; c < 3; c++) {
      lut[3 * i + c] = Math.round(rgb[lower][c] * (1 - t) + rgb[lower + 1][c] * t);
    }
  }
  return lut;
}

export const DIVERGING: Colormap = { name: 'blue-white-red', lut: buildLut(DIVERGING_STOPS) };
export const SEQUENTIAL: Colormap = { name: 'viridis', lut: buildLut(SEQUENTIAL_STOPS) };

/** Writes the RGBA colour of `value` (clipped to [lo, hi]) at byte `offset` of `rgba`. */
export function writeColour(rgba: Uint8Array, offset: number, value: number, lo: number, hi: number, map: Colormap): void {
  if (!Number.isFinite(value)) {
    rgba[offset] = NON_FINITE_RGB[0];
    rgba[offset + 1] = NON_FINITE_RGB[1];
    rgba[offset + 2] = NON_FINITE_RGB[2];
  } else {
    const t = (value - lo) / (hi - lo);
    const index = t <= 0 ? 0 : t >= 1 ? LUT_SIZE - 1 : Math.round(t * (LUT_SIZE - 1));
    rgba[offset] = map.lut[3 * index];
    rgba[offset + 1] = map.lut[3 * index + 1];
    rgba[offset + 2] = map.lut[3 * index + 2];
  }
  rgba[offset + 3] = 255;
}
