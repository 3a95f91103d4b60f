// Facts about PNG bytes for the figure tests: the signature and IHDR size read by hand (independent of
// any decoder), and decoded pixels from jimp.
import assert from 'node:assert/strict';
import { Jimp } from 'jimp';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Asserts a PNG signature and a leading IHDR chunk; returns the size recorded there. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual(Array.from(png.subarray(0, 8)), SIGNATURE, 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(view.getUint32(8), 13, 'IHDR chunk length');
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR', 'first chunk is IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export interface Decoded {
  width: number;
  height: number;
  /** [r, g, b] at pixel (x, y). */
  rgb(x: number, y: number): [number, number, number];
}

export async function decodePng(png: Uint8Array): Promise<Decoded> {
  const image = await Jimp.read(Buffer.from(png));
  const { data, width, height } = image.bitmap;
  return {
    width,
    height,
    rgb: (x, y) => {
      assert.ok(x >= 0 && y >= 0 && x < width && y < height, `pixel (${x}, ${y}) outside the ${width}×${height} image`);
      const i = 4 * (y * width + x);
      return [data[i], data[i + 1], data[i + 2]];
    },
  };
}
