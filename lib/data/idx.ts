// The idx file format that MNIST ships in (LeCun's page): a big-endian header, then raw values.
//   bytes 0-1: zero; byte 2: element type (0x08 = unsigned byte); byte 3: number of dimensions d;
//   then d big-endian uint32 sizes; then prod(sizes) values, row-major.
// MNIST images are magic 0x00000803 ([n, 28, 28] bytes), labels 0x00000801 ([n] bytes).
import * as fs from 'fs';
import * as zlib from 'zlib';

export const IDX_UBYTE = 0x08;

export interface IdxArray {
  /** Sizes from the header, e.g. [60000, 28, 28]. */
  shape: number[];
  /** prod(shape) unsigned bytes, row-major. */
  data: Uint8Array;
}

/** What a caller requires of a file: its dimension count (the magic number follows from it). */
export interface IdxExpectation {
  dims: number;
}

function magicOf(dims: number): string {
  return `0x${(0x0800 + dims).toString(16).padStart(8, '0')}`;
}

/**
 * Parses idx bytes (already gunzipped). `file` names the source in every error message.
 * Only unsigned-byte idx files are accepted: that is what MNIST uses.
 */
export function parseIdx(bytes: Uint8Array, file: string, expected: IdxExpectation): IdxArray {
  const expectedMagic = magicOf(expected.dims);
  const headerBytes = 4 + 4 * expected.dims;
  if (bytes.length < 4) {
    throw new Error(`${file}: truncated idx file: ${bytes.length} bytes, expected at least a 4-byte magic number ${expectedMagic}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== 0x0800 + expected.dims) {
    throw new Error(
      `${file}: wrong magic number 0x${magic.toString(16).padStart(8, '0')}, expected ${expectedMagic} ` +
        `(unsigned-byte idx with ${expected.dims} dimension${expected.dims === 1 ? '' : 's'})`,
    );
  }
  if (bytes.length < headerBytes) {
    throw new Error(`${file}: truncated idx file: ${bytes.length} bytes, the header alone needs ${headerBytes}`);
  }
  const shape: number[] = [];
  for (let k = 0; k < expected.dims; k++) shape.push(view.getUint32(4 + 4 * k, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = headerBytes + count;
  if (bytes.length < needed) {
    throw new Error(
      `${file}: truncated idx file: header says shape [${shape.join(', ')}] = ${count} values (${needed} bytes in all), ` +
        `file has ${bytes.length} bytes`,
    );
  }
  // A plain Uint8Array copy (not a Buffer view), so the decompressed buffer can be freed.
  return { shape, data: new Uint8Array(bytes.subarray(headerBytes, needed)) };
}

/** Reads an idx file, gunzipping it when its first bytes are the gzip signature 1f 8b. */
export function readIdxFile(file: string, expected: IdxExpectation): IdxArray {
  const raw = fs.readFileSync(file);
  let bytes: Uint8Array = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(raw);
    } catch (error) {
      throw new Error(`${file}: truncated or corrupt gzip data (${(error as Error).message}); expected a complete gzip-compressed idx file`);
    }
  }
  return parseIdx(bytes, file, expected);
}

/** Bytes of a gzip file inflated to read an idx header: far more than the largest header (4 + 4·255). */
const HEADER_PREFIX_BYTES = 4096;

/**
 * The shape in an idx file's header, read without loading the values (a 60,000-image file is 47 MB):
 * for a gzip file only its first few kilobytes are inflated. Checks the magic number as parseIdx does.
 */
export function readIdxShape(file: string, expected: IdxExpectation): number[] {
  const fd = fs.openSync(file, 'r');
  let prefix: Buffer;
  try {
    const buffer = Buffer.alloc(HEADER_PREFIX_BYTES);
    prefix = buffer.subarray(0, fs.readSync(fd, buffer, 0, HEADER_PREFIX_BYTES, 0));
  } finally {
    fs.closeSync(fd);
  }
  let bytes: Uint8Array = prefix;
  if (prefix.length >= 2 && prefix[0] === 0x1f && prefix[1] === 0x8b) {
    try {
      // Z_SYNC_FLUSH returns what the prefix inflates to instead of failing on the missing end.
      bytes = zlib.gunzipSync(prefix, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw new Error(`${file}: corrupt gzip data (${(error as Error).message}); expected a gzip-compressed idx file`);
    }
  }
  const headerBytes = 4 + 4 * expected.dims;
  // parseIdx's checks on the header alone: a header that claims values beyond it is not an error here.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= headerBytes && view.getUint32(0, false) === 0x0800 + expected.dims) {
    return Array.from({ length: expected.dims }, (_, k) => view.getUint32(4 + 4 * k, false));
  }
  return parseIdx(bytes, file, expected).shape; // throws the wrong-magic or truncated-header error
}
