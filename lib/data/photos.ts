// Photographs as grey-level images: every .jpg/.jpeg/.png in a folder, each decoded once with jimp.
// Grey = Rec. 601 luma Y = 0.299 R + 0.587 G + 0.114 B on the stored (gamma-encoded) 8-bit values,
// the same formula PIL's convert('L') uses; alpha is ignored (photographs are opaque).
import * as fs from 'fs';
import * as path from 'path';
import { Jimp } from 'jimp';
import { dataDir, displayPath } from '../report/paths';
import { PHOTOS_DIR, readSetting } from '../report/settings';

export const PHOTOS_DIR_ENV = PHOTOS_DIR.name;
export const LUMA_601 = { r: 0.299, g: 0.587, b: 0.114 } as const;
const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

export interface GrayImage {
  file: string;
  width: number;
  height: number;
  /** [height, width] row-major luma in [0, 255] (not rounded). */
  pixels: Float32Array;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/** A photo folder as notebook output names it: "data/natural", "$LFR_PHOTOS_DIR", never a machine path. */
export function shownFolder(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  return displayPath(folder, { name: PHOTOS_DIR_ENV, value: env[PHOTOS_DIR_ENV] });
}

/** The folder to read: an explicit one, else env LFR_PHOTOS_DIR (checked: an existing folder), else data/natural/. */
export function photosFolder(folder?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(folder ?? readSetting(PHOTOS_DIR, env) ?? path.join(dataDir(), 'natural'));
}

/**
 * What is wrong with the folder LFR_PHOTOS_DIR names, for the report runner's start-up check: a folder
 * without a single .jpg/.jpeg/.png file. Whether the photos decode and are large enough is known only
 * after decoding them, which preparePatches does (and checks) before cutting any patch.
 */
export function photoFolderProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[PHOTOS_DIR_ENV];
  if (!raw || !PHOTOS_DIR.parse(raw).ok) return []; // unset, or settingProblems' to report
  const { candidates, ignored } = listPhotoFiles(path.resolve(raw));
  if (candidates.length > 0) return [];
  return [`${PHOTOS_DIR_ENV}="${raw}": no .jpg/.jpeg/.png file among its ${ignored.length} entr${ignored.length === 1 ? 'y' : 'ies'}; expected JPEG/PNG photographs`];
}

/**
 * Splits a folder's entries into image candidates (by extension, sorted by name so that every run
 * sees the same order) and the other entries, which are returned — never dropped silently.
 */
export function listPhotoFiles(folder: string): { candidates: string[]; ignored: string[] } {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new Error(`Photo folder ${folder} does not exist or is not a folder; expected a folder of JPEG/PNG photographs`);
  }
  const candidates: string[] = [];
  const ignored: string[] = [];
  for (const name of fs.readdirSync(folder).sort()) {
    const isFile = fs.statSync(path.join(folder, name)).isFile();
    (isFile && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase()) ? candidates : ignored).push(name);
  }
  return { candidates, ignored };
}

/** Decodes one JPEG/PNG to luma; throws (with jimp's reason) when it cannot be decoded. */
export async function decodeGray(file: string): Promise<GrayImage> {
  const image = await Jimp.fromBuffer(fs.readFileSync(file));
  const { width, height, data } = image.bitmap; // RGBA bytes, also for grey PNGs
  const pixels = new Float32Array(width * height);
  for (let i = 0, j = 0; i < pixels.length; i++, j += 4) {
    pixels[i] = LUMA_601.r * data[j] + LUMA_601.g * data[j + 1] + LUMA_601.b * data[j + 2];
  }
  return { file, width, height, pixels };
}

/**
 * Decodes `names` (inside `folder`) in order until `maxImages` usable images are found. Files that
 * do not decode or are smaller than minSide×minSide are skipped and listed in `skipped`.
 */
export async function decodeUsable(
  folder: string,
  names: string[],
  minSide: number,
  maxImages: number = Infinity,
): Promise<{ images: GrayImage[]; skipped: SkippedFile[] }> {
  const images: GrayImage[] = [];
  const skipped: SkippedFile[] = [];
  for (const name of names) {
    if (images.length >= maxImages) break;
    let image: GrayImage;
    try {
      image = await decodeGray(path.join(folder, name));
    } catch (error) {
      skipped.push({ file: name, reason: `cannot be decoded: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    if (image.width < minSide || image.height < minSide) {
      skipped.push({ file: name, reason: `${image.width}×${image.height} is smaller than ${minSide}×${minSide}` });
      continue;
    }
    images.push(image);
  }
  return { images, skipped };
}

/** One line for console.warn listing every skipped file and why. */
export function skippedWarning(folder: string, skipped: SkippedFile[]): string {
  return `Skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} in ${folder}: ${skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}`;
}
