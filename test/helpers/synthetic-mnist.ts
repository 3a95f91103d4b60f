// A synthetic MNIST-format folder (the four idx files, raw) whose numbers differ from the bundled
// digits in every way the notebook's text could depend on: 60,000 training rows, and no pixel that is
// 0 in every training image (the real set has 67). Each image is one or two thick strokes of a digit-like
// shape, plus a few sparse lit pixels; image i also lights pixel i mod 784, so the first 784 rows alone
// — well inside quick size's cap — light every pixel.
import * as fs from 'fs';
import * as path from 'path';
import { MNIST_FILES, MNIST_PIXELS, MNIST_SIDE } from '../../lib/data/mnist';
import { createRng, Rng } from '../../lib/random';

export const SYNTHETIC_COUNTS = { train: 60_000, test: 10_000 };

/** Draws a stroke from (x0, y0) to (x1, y1) of the given half-width into a 28×28 byte image (max blend). */
function stroke(image: Uint8Array, offset: number, x0: number, y0: number, x1: number, y1: number, halfWidth: number, level: number): void {
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0)) + 1;
  for (let s = 0; s <= steps; s++) {
    const cx = x0 + ((x1 - x0) * s) / steps;
    const cy = y0 + ((y1 - y0) * s) / steps;
    for (let y = Math.max(0, Math.floor(cy - halfWidth)); y <= Math.min(MNIST_SIDE - 1, Math.ceil(cy + halfWidth)); y++) {
      for (let x = Math.max(0, Math.floor(cx - halfWidth)); x <= Math.min(MNIST_SIDE - 1, Math.ceil(cx + halfWidth)); x++) {
        const squared = (x - cx) * (x - cx) + (y - cy) * (y - cy);
        if (squared > halfWidth * halfWidth) continue;
        const value = Math.round(level * (1 - (0.5 * squared) / (halfWidth * halfWidth)));
        const at = offset + y * MNIST_SIDE + x;
        if (value > image[at]) image[at] = value;
      }
    }
  }
}

/** One image: a stroke per label-dependent segment (jittered), then sparse lit pixels anywhere. */
function drawDigit(images: Uint8Array, index: number, label: number, rng: Rng): void {
  const offset = index * MNIST_PIXELS;
  const jitter = () => (rng.uniform() - 0.5) * 4;
  // Label k: a line at angle kπ/10 through the centre, and for odd labels a crossing bar below it.
  const angle = (label * Math.PI) / 10 + (rng.uniform() - 0.5) * 0.3;
  const length = 7 + rng.uniform() * 3;
  const cx = 14 + jitter();
  const cy = 14 + jitter();
  const level = 160 + rng.int(96);
  stroke(
    images,
    offset,
    cx - length * Math.cos(angle),
    cy - length * Math.sin(angle),
    cx + length * Math.cos(angle),
    cy + length * Math.sin(angle),
    1.2 + rng.uniform(),
    level,
  );
  if (label % 2 === 1) stroke(images, offset, cx - 5 + jitter(), cy + 4, cx + 5 + jitter(), cy + 4, 1 + rng.uniform(), level);
  for (let k = 0; k < 3; k++) images[offset + rng.int(MNIST_PIXELS)] = 1 + rng.int(255);
  images[offset + (index % MNIST_PIXELS)] = 1 + rng.int(255);
}

function idxHeader(shape: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x800 + shape.length, 0);
  shape.forEach((size, k) => header.writeUInt32BE(size, 4 + 4 * k));
  return header;
}

/** Writes the four idx files into `dir` (created when missing), deterministically from `seed`. */
export function writeSyntheticMnist(dir: string, seed: number, counts = SYNTHETIC_COUNTS): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const split of ['train', 'test'] as const) {
    const n = counts[split];
    const rng = createRng(seed + (split === 'train' ? 0 : 1));
    const images = new Uint8Array(n * MNIST_PIXELS);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 10;
      drawDigit(images, i, labels[i], rng);
    }
    fs.writeFileSync(path.join(dir, MNIST_FILES[split].images), Buffer.concat([idxHeader([n, MNIST_SIDE, MNIST_SIDE]), images]));
    fs.writeFileSync(path.join(dir, MNIST_FILES[split].labels), Buffer.concat([idxHeader([n]), labels]));
  }
}
