// A PNG's or JPEG's width and height from its header, without decoding the pixels: what the report
// runner needs to tell, in milliseconds, whether a photo folder can give the patches asked for.
import * as fs from 'fs';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** JPEG start-of-frame markers (baseline, progressive, lossless …), which carry the image size. */
const JPEG_FRAME_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const HEADER_BYTES = 1 << 16;

/** Width and height from the first 64 KiB of `file`, or null when that holds no PNG IHDR or JPEG frame header. */
export function imageSize(file: string): { width: number; height: number } | null {
  const fd = fs.openSync(file, 'r');
  const bytes = Buffer.alloc(HEADER_BYTES);
  let length: number;
  try {
    length = fs.readSync(fd, bytes, 0, HEADER_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  return headerSize(bytes.subarray(0, length));
}

export function headerSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  // Segments after SOI: FF marker, then a big-endian length that includes its own two bytes.
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const segment = bytes.readUInt16BE(at + 2);
    if (JPEG_FRAME_MARKERS.has(marker)) {
      if (at + 9 > bytes.length) return null;
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + segment;
  }
  return null;
}
