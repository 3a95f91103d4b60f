// Markdown with LaTeX ($…$ inline, $$…$$ display) rendered to static HTML: KaTeX typesets the math
// here, so the report needs only KaTeX's CSS and fonts (copied beside it) and no network or script.
import MarkdownIt from 'markdown-it';
import katex from 'katex';

const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });

// Display math first, so "$$" is never read as two inline delimiters; "\$" is a literal dollar
// (markdown-it itself turns the escape into "$"). Placeholders are plain letters and digits so that
// markdown leaves them alone.
const MATH = /\$\$([\s\S]+?)\$\$|(?<!\\)\$(?!\s)((?:\\\$|[^$\n])+?)(?<!\s)\$/g;
const CODE = /(```[\s\S]*?```|`[^`\n]*`)/g;

function typeset(tex: string, displayMode: boolean, where: string): string {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, output: 'html' });
  } catch (error) {
    throw new Error(`${where}: LaTeX "${tex.trim()}" does not typeset: ${(error as Error).message}`);
  }
}

/** Renders one markdown cell; `where` names it in errors (a broken equation fails the report). */
export function renderMarkdown(source: string, where: string): string {
  const rendered: string[] = [];
  // Code spans keep their dollars: math is only looked for between them.
  const protectedSource = source
    .split(CODE)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(MATH, (_match, display: string | undefined, inline: string | undefined) => {
      rendered.push(display !== undefined ? typeset(display, true, where) : typeset(inline ?? '', false, where));
      return `KATEXMATH${rendered.length - 1}X`;
    })))
    .join('');
  return markdown
    .render(protectedSource)
    .replace(/KATEXMATH(\d+)X/g, (_m, i: string) => rendered[Number(i)]);
}
