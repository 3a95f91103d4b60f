import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, htmlTable } from '../../lib/figures/table';

/** Cell texts of each body row. */
function bodyCells(html: string): string[][] {
  const body = html.slice(html.indexOf('<tbody>'));
  return Array.from(body.matchAll(/<tr>(.*?)<\/tr>/g), (row) => Array.from(row[1].matchAll(/<td[^>]*>(.*?)<\/td>/g), (c) => c[1]));
}

test('text in cells, headers and the caption is HTML-escaped', () => {
  const html = htmlTable([{ 'a<b>': '<script>alert("x")</script> & more' }], { caption: 'R&D <i>' });
  assert.ok(!html.includes('<script>') && !html.includes('<i>') && !html.includes('<b>'));
  assert.ok(html.includes('<caption>R&#38;D &#60;i&#62;</caption>'));
  assert.ok(html.includes('<th style="text-align:left">a&#60;b&#62;</th>'));
  assert.deepEqual(bodyCells(html), [['&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; more']]);
});

test('numbers show 4 significant digits, integers exactly, extremes in exponent form', () => {
  assert.equal(formatNumber(0.0123456), '0.01235');
  assert.equal(formatNumber(12.3456), '12.35');
  assert.equal(formatNumber(-1234.56), '-1235');
  assert.equal(formatNumber(60000), '60000');
  assert.equal(formatNumber(1234567.8), '1.235e+6');
  assert.equal(formatNumber(3e-7), '3.000e-7');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(Math.PI, 2), '3.1');
});

test('non-finite numbers are shown as they are, so problems stay visible', () => {
  const html = htmlTable([{ loss: Number.NaN }, { loss: Number.POSITIVE_INFINITY }, { loss: Number.NEGATIVE_INFINITY }]);
  assert.deepEqual(bodyCells(html), [['NaN'], ['Infinity'], ['-Infinity']]);
});

test('number cells are right-aligned and text cells left-aligned', () => {
  const html = htmlTable([{ method: 'SM', error: 0.5 }]);
  assert.ok(html.includes('<td style="text-align:left">SM</td><td style="text-align:right">0.5000</td>'));
  assert.ok(html.includes('<th style="text-align:right">error</th>'));
});

test('columns follow the given order, missing values stay empty, unknown columns are refused', () => {
  const rows = [
    { a: 1, b: 'x' },
    { b: 'y', c: 2 },
  ];
  assert.deepEqual(bodyCells(htmlTable(rows)), [
    ['1', 'x', ''],
    ['', 'y', '2'],
  ]);
  assert.deepEqual(bodyCells(htmlTable(rows, { columns: ['c', 'a'] })), [
    ['', '1'],
    ['2', ''],
  ]);
  assert.throws(() => htmlTable(rows, { columns: ['a', 'z'] }), /column\(s\) "z" appear in no row/);
});
