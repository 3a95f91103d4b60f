// Markdown with LaTeX ($…$ inline, $$…$$ display) rendered to static HTML: KaTeX typesets the math
// here, so the report needs only KaTeX's CSS and fonts (inlined in the page) and no network or script.
// Headings get an id and a "#" link to themselves, and are handed back for the table of contents.
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

/** One heading of a rendered cell: its level, its id and its content as HTML (maths typeset). */
export interface Heading {
  level: number;
  id: string;
  html: string;
}

/** Gives headings ids that are unique in one page: a prefix (the notebook) and a slug of the text. */
export class HeadingIds {
  private readonly used = new Set<string>();
  readonly headings: Heading[] = [];

  constructor(private readonly prefix: string) {}

  /** Records the heading and returns its id: "01-samples-figures-1-4", then "…-2" for a repeat. */
  add(level: number, html: string): string {
    const slug = plainText(html).toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'section';
    const base = `${this.prefix}-${slug}`.slice(0, 80);
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    this.headings.push({ level, id, html });
    return id;
  }
}

/** The text a reader sees in an HTML fragment (tags dropped, the few entities markdown-it writes decoded). */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The "#" after a heading that links to it (shown on hover), so a reader can copy a link to any section. */
export function anchorLink(id: string): string {
  return ` <a class="anchor" href="#${id}" aria-label="link to this section">#</a>`;
}

const HEADING = /<h([1-6])>([\s\S]*?)<\/h\1>/g;

/**
 * Renders one markdown cell; `where` names it in errors (a broken equation fails the report). With `ids`,
 * every heading gets an id and a self-link, and is recorded there for the table of contents.
 */
export function renderMarkdown(source: string, where: string, ids?: HeadingIds): string {
  const rendered: string[] = [];
  // Code spans keep their dollars: math is only looked for between them.
  const protectedSource = source
    .split(CODE)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(MATH, (_match, display: string | undefined, inline: string | undefined) => {
      rendered.push(display !== undefined ? typeset(display, true, where) : typeset(inline ?? '', false, where));
      return `KATEXMATH${rendered.length - 1}X`;
    })))
    .join('');
  const html = markdown
    .render(protectedSource)
    .replace(/KATEXMATH(\d+)X/g, (_m, i: string) => rendered[Number(i)]);
  if (!ids) return html;
  return html.replace(HEADING, (_m, level: string, inner: string) => {
    const id = ids.add(Number(level), inner);
    return `<h${level} id="${id}">${inner}${anchorLink(id)}</h${level}>`;
  });
}
