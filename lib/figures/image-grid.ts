// A grid of small grayscale images (digits, means, filters) as one PNG: each image upscaled by
// nearest neighbour, white separators, optional captions under each image and a title on top.
import { blit, composeFigure, RasterLayer, rgbaToPng, svgDocument, svgText } from './render';
import { fitText, textWidth } from './font';

export type GridImages = Float32Array | Float64Array | (Float32Array | Float64Array)[];

export type Contrast = 'shared' | 'per-image' | [number, number];

export interface ImageGridOptions {
  /** Image height in pixels (default 28). */
  height?: number;
  /** Image width in pixels (default 28). */
  width?: number;
  /** Images per row (default ceil(sqrt(N))). */
  cols?: number;
  /** Integer upscale factor, nearest neighbour (default 3). */
  scale?: number;
  /**
   * Grey-level mapping: 'shared' = one min→black, max→white for all images (default), so brightness
   * compares across images; 'per-image' = each image stretched to its own min/max; [lo, hi] = fixed
   * range, values outside are clipped (say so where the figure is shown).
   */
  contrast?: Contrast;
  /** One caption per image, drawn under it (shrunk, then cut with "…" to the image width). */
  captions?: string[];
  title?: string;
  /** White separator between images in px (default 2, or 1 when scale is 1). */
  gap?: number;
}

export interface GridLayout {
  /** Canvas size in px. */
  width: number;
  height: number;
  rows: number;
  cols: number;
  /** Size of one upscaled image in px. */
  tileWidth: number;
  tileHeight: number;
  /** Top-left pixel of image i. */
  tileOrigin(i: number): { x: number; y: number };
  captionFontSize: number;
}

const TITLE_FONT_SIZE = 14;
const TITLE_BAND = 26;
const CAPTION_MAX_FONT = 11;
const CAPTION_MIN_FONT = 8;
const CAPTION_BAND = 15;
/** Shown for NaN/±Inf pixels, so a broken image cannot pass for a dark one. */
const NON_FINITE_RGB = [255, 0, 0];

/** Splits the input into N images of h·w values each, with errors that say what was expected. */
export function splitImages(images: GridImages, height: number, width: number): (Float32Array | Float64Array)[] {
  requirePositiveInteger('height', height);
  requirePositiveInteger('width', width);
  const size = height * width;
  if (Array.isArray(images)) {
    if (images.length === 0) throw new Error('imageGrid: no images given (empty array)');
    images.forEach((image, i) => {
      if (image.length !== size) {
        throw new Error(`imageGrid: image ${i} has ${image.length} values, expected height·width = ${height}·${width} = ${size}`);
      }
    });
    return images;
  }
  if (images.length === 0 || images.length % size !== 0) {
    throw new Error(`imageGrid: a flat array of ${images.length} values is not N images of height·width = ${height}·${width} = ${size} values`);
  }
  const count = images.length / size;
  return Array.from({ length: count }, (_, i) => images.subarray(i * size, (i + 1) * size));
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`imageGrid: ${name} must be a positive integer, got ${value}`);
}

function finiteRange(values: ArrayLike<number>, into: [number, number]): [number, number] {
  let [lo, hi] = into;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The [lo, hi] grey range of each image under the chosen contrast. */
function contrastRanges(images: ArrayLike<number>[], contrast: Contrast): [number, number][] {
  if (Array.isArray(contrast)) {
    const [lo, hi] = contrast;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new Error(`imageGrid: contrast range must be finite [lo, hi] with lo < hi, got [${lo}, ${hi}]`);
    }
    return images.map(() => [lo, hi]);
  }
  const empty: [number, number] = [Infinity, -Infinity];
  if (contrast === 'per-image') return images.map((image) => finiteRange(image, empty));
  if (contrast === 'shared') {
    const shared = images.reduce<[number, number]>((range, image) => finiteRange(image, range), empty);
    return images.map(() => shared);
  }
  throw new Error(`imageGrid: contrast must be 'shared', 'per-image' or [lo, hi], got ${JSON.stringify(contrast)}`);
}

function captionFontSize(captions: string[] | undefined, tileWidth: number): number {
  if (!captions) return 0;
  for (let size = CAPTION_MAX_FONT; size > CAPTION_MIN_FONT; size--) {
    if (captions.every((c) => textWidth(c, size) <= tileWidth)) return size;
  }
  return CAPTION_MIN_FONT;
}

/** Where imageGrid (given the same options) puts each image: for annotating a grid or testing it. */
export function gridLayout(count: number, opts: ImageGridOptions = {}): GridLayout {
  const height = opts.height ?? 28;
  const width = opts.width ?? 28;
  const scale = opts.scale ?? 3;
  const cols = opts.cols ?? Math.ceil(Math.sqrt(count));
  const gap = opts.gap ?? (scale > 1 ? 2 : 1);
  requirePositiveInteger('height', height);
  requirePositiveInteger('width', width);
  requirePositiveInteger('scale', scale);
  requirePositiveInteger('cols', cols);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`imageGrid: gap must be an integer ≥ 0, got ${gap}`);
  const rows = Math.ceil(count / cols);
  const tileWidth = width * scale;
  const tileHeight = height * scale;
  const fontSize = captionFontSize(opts.captions, tileWidth);
  const rowPitch = tileHeight + (opts.captions ? CAPTION_BAND : 0) + gap;
  const gridWidth = cols * (tileWidth + gap) + gap;
  const gridHeight = rows * rowPitch + gap;
  const titleWidth = opts.title ? Math.ceil(textWidth(opts.title, TITLE_FONT_SIZE, 'bold')) + 16 : 0;
  const canvasWidth = Math.max(gridWidth, titleWidth);
  const left = Math.floor((canvasWidth - gridWidth) / 2) + gap;
  const top = (opts.title ? TITLE_BAND : 0) + gap;
  return {
    width: canvasWidth,
    height: gridHeight + (opts.title ? TITLE_BAND : 0),
    rows,
    cols,
    tileWidth,
    tileHeight,
    tileOrigin: (i) => ({ x: left + (i % cols) * (tileWidth + gap), y: top + Math.floor(i / cols) * rowPitch }),
    captionFontSize: fontSize,
  };
}

/**
 * Renders N grayscale images (row-major h×w each) as a grid PNG.
 * `images`: one flat Float32Array of N·h·w values, or an array of N Float32Arrays of h·w values.
 */
export async function imageGrid(images: GridImages, opts: ImageGridOptions = {}): Promise<Uint8Array> {
  const height = opts.height ?? 28;
  const width = opts.width ?? 28;
  const scale = opts.scale ?? 3;
  const list = splitImages(images, height, width);
  if (opts.captions && opts.captions.length !== list.length) {
    throw new Error(`imageGrid: ${opts.captions.length} captions for ${list.length} images, expected one each`);
  }
  const layout = gridLayout(list.length, opts);
  const ranges = contrastRanges(list, opts.contrast ?? 'shared');

  const tiles: RasterLayer[] = list.map((image, i) => ({
    ...layout.tileOrigin(i),
    width: layout.tileWidth,
    height: layout.tileHeight,
    rgba: renderTile(image, height, width, scale, ranges[i]),
  }));
  if (!opts.captions && !opts.title) {
    const canvas = new Uint8Array(4 * layout.width * layout.height).fill(255);
    for (const tile of tiles) blit(canvas, layout.width, layout.height, tile);
    return rgbaToPng(canvas, layout.width, layout.height);
  }

  const text: string[] = [];
  if (opts.title) {
    text.push(svgText(opts.title, layout.width / 2, TITLE_BAND - 8, { size: TITLE_FONT_SIZE, anchor: 'middle', bold: true }));
  }
  opts.captions?.forEach((caption, i) => {
    const { x, y } = layout.tileOrigin(i);
    const fitted = fitText(caption, layout.captionFontSize, layout.tileWidth);
    text.push(
      svgText(fitted, x + layout.tileWidth / 2, y + layout.tileHeight + layout.captionFontSize + 1, {
        size: layout.captionFontSize,
        anchor: 'middle',
      }),
    );
  });
  return composeFigure(svgDocument(layout.width, layout.height, text.join('')), tiles);
}

/** One image as RGBA, grey = (v − lo)/(hi − lo) clipped to [0, 1], upscaled ×scale. */
function renderTile(image: ArrayLike<number>, height: number, width: number, scale: number, [lo, hi]: [number, number]): Uint8Array {
  const tileWidth = width * scale;
  const rgba = new Uint8Array(4 * tileWidth * height * scale);
  // A constant image (or range) has no contrast to show: mid grey rather than a misleading black.
  const gain = hi > lo ? 255 / (hi - lo) : 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = image[r * width + c];
      let rgb: number[];
      if (!Number.isFinite(v)) rgb = NON_FINITE_RGB;
      else {
        const grey = gain === 0 ? 128 : Math.round(Math.min(255, Math.max(0, (v - lo) * gain)));
        rgb = [grey, grey, grey];
      }
      for (let dy = 0; dy < scale; dy++) {
        let offset = 4 * ((r * scale + dy) * tileWidth + c * scale);
        for (let dx = 0; dx < scale; dx++, offset += 4) {
          rgba[offset] = rgb[0];
          rgba[offset + 1] = rgb[1];
          rgba[offset + 2] = rgb[2];
          rgba[offset + 3] = 255;
        }
      }
    }
  }
  return rgba;
}
