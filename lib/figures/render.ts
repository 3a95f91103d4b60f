// From drawing to PNG bytes. Text, lines and frames are SVG rendered by resvg with only the bundled
// DejaVu fonts (identical output on every machine). Pixel data (images, heatmaps, colour bars) is
// copied into resvg's pixel buffer afterwards instead of being embedded as an <image>, so each value
// lands on exactly the pixel computed for it, with no resampling; jimp then encodes the PNG.
import { Resvg } from '@resvg/resvg-js';
import { Jimp } from 'jimp';
import { FONT_FAMILY, fontFiles } from './font';

/** An RGBA pixel block (row-major, 4 bytes per pixel) to place at (x, y) of the figure. */
export interface RasterLayer {
  x: number;
  y: number;
  width: number;
  height: number;
  rgba: Uint8Array;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An SVG <text> element in the figure font; `x`/`y` are the anchor point and the baseline. */
export function svgText(
  text: string,
  x: number,
  y: number,
  opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; bold?: boolean; fill?: string; rotate?: number; halo?: boolean } = {},
): string {
  const attrs = [
    `x="${round2(x)}"`,
    `y="${round2(y)}"`,
    `font-size="${opts.size ?? 12}"`,
    `text-anchor="${opts.anchor ?? 'start'}"`,
    `fill="${opts.fill ?? '#222'}"`,
  ];
  if (opts.bold) attrs.push('font-weight="bold"');
  // A white outline under the glyphs keeps a label readable where it crosses grid lines or curves.
  if (opts.halo) attrs.push('stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"');
  if (opts.rotate) attrs.push(`transform="rotate(${opts.rotate} ${round2(x)} ${round2(y)})"`);
  return `<text ${attrs.join(' ')}>${escapeXml(text)}</text>`;
}

export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Wraps figure content in an <svg> root with a white background and the figure font. */
export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>${body}</svg>`
  );
}

function renderSvg(svg: string) {
  return new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT_FAMILY },
    logLevel: 'error',
  }).render();
}

/** A pure-SVG figure as PNG bytes (resvg's own encoder). */
export function svgToPng(svg: string): Uint8Array {
  return new Uint8Array(renderSvg(svg).asPng());
}

/** Encodes an opaque RGBA buffer as PNG with jimp. */
export async function rgbaToPng(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const image = Jimp.fromBitmap({ data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height });
  return new Uint8Array(await image.getBuffer('image/png'));
}

/** Renders the SVG (text, frames), copies the raster layers onto it pixel for pixel, encodes PNG. */
export async function composeFigure(svg: string, layers: RasterLayer[]): Promise<Uint8Array> {
  const rendered = renderSvg(svg);
  const width = rendered.width;
  const height = rendered.height;
  // The background is opaque white, so resvg's premultiplied RGBA equals straight RGBA here.
  const canvas = new Uint8Array(rendered.pixels);
  for (const layer of layers) blit(canvas, width, height, layer);
  return rgbaToPng(canvas, width, height);
}

export function blit(canvas: Uint8Array, canvasWidth: number, canvasHeight: number, layer: RasterLayer): void {
  if (layer.x < 0 || layer.y < 0 || layer.x + layer.width > canvasWidth || layer.y + layer.height > canvasHeight) {
    throw new Error(
      `figure layout: a ${layer.width}×${layer.height} raster at (${layer.x}, ${layer.y}) ` + `does not fit the ${canvasWidth}×${canvasHeight} canvas`,
    );
  }
  const rowBytes = 4 * layer.width;
  for (let row = 0; row < layer.height; row++) {
    const from = row * rowBytes;
    canvas.set(layer.rgba.subarray(from, from + rowBytes), 4 * ((layer.y + row) * canvasWidth + layer.x));
  }
}
