import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../scripts/report/markdown';

test('inline and display math are typeset by KaTeX, code spans and escaped dollars are left alone', () => {
  const html = renderMarkdown('Loss $J(\\Lambda)$ and\n\n$$\\tfrac12 \\operatorname{tr}(\\Lambda S \\Lambda)$$\n\nCode `$x$`, price \\$5.', 'cell 0');
  assert.equal((html.match(/class="katex"/g) ?? []).length, 2);
  assert.match(html, /class="katex-display"/);
  assert.match(html, /<code>\$x\$<\/code>/);
  assert.match(html, /price \$5/);
});

test('LaTeX that does not typeset fails with the cell named', () => {
  assert.throws(() => renderMarkdown('bad $\\frac{1}$ here', '01-mnist cell 3'), /01-mnist cell 3: LaTeX "\\frac\{1\}" does not typeset/);
});
