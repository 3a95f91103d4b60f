// KaTeX's stylesheet with its fonts inlined, so that the report's typeset maths needs no file beside
// the page. KaTeX lists each font three times (woff2, woff, ttf); every browser that can show the
// report reads woff2, so only that one is kept: 60 files shrink to 20 and about 0.3 MB of font data
// (0.4 MB as base64) instead of 1.2 MB.
import * as fs from 'fs';
import * as path from 'path';

function katexDist(): string {
  return path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
}

/** A `src:` list of one @font-face: `url(fonts/X.woff2) format("woff2"),url(fonts/X.woff) …`. */
const FONT_SOURCES = /src:(url\([^)]*\)\s*format\("[a-z0-9]+"\)\s*,?\s*)+/g;
const WOFF2 = /url\((fonts\/[^)]+\.woff2)\)/;

/** katex.min.css with every @font-face source replaced by its woff2 file as a data URI. */
export function inlineKatexCss(dist = katexDist()): string {
  const cssFile = path.join(dist, 'katex.min.css');
  if (!fs.existsSync(cssFile)) throw new Error(`inlineKatexCss: ${cssFile} not found (is the "katex" package installed?)`);
  const css = fs.readFileSync(cssFile, 'utf8');
  const inlined = css.replace(FONT_SOURCES, (sources) => {
    const woff2 = WOFF2.exec(sources);
    if (!woff2) throw new Error(`inlineKatexCss: a KaTeX @font-face lists no woff2 font: ${sources.slice(0, 120)}`);
    const fontFile = path.join(dist, woff2[1]);
    if (!fs.existsSync(fontFile)) throw new Error(`inlineKatexCss: KaTeX font ${fontFile} not found`);
    return `src:url(data:font/woff2;base64,${fs.readFileSync(fontFile).toString('base64')}) format("woff2")`;
  });
  const leftover = /url\((?!data:)[^)]*\)/.exec(inlined);
  if (leftover) throw new Error(`inlineKatexCss: katex.min.css still refers to ${leftover[0]} after inlining its fonts`);
  return inlined;
}
