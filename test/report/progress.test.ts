import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSeconds, formatValue } from '../../lib/report/progress';
import { createTerminalProgress } from '../../scripts/report/terminal-progress';

test('durations round before they split into minutes, so no "1m60s"', () => {
  assert.equal(formatSeconds(8.24), '8.2s');
  assert.equal(formatSeconds(42.4), '42s');
  assert.equal(formatSeconds(59.6), '1m00s');
  assert.equal(formatSeconds(119.6), '2m00s');
  assert.equal(formatSeconds(125), '2m05s');
  assert.equal(formatSeconds(NaN), '?');
});

test('counts print as integers and measurements to four significant digits', () => {
  assert.equal(formatValue(32), '32');
  assert.equal(formatValue(-491.234), '-491.2');
  assert.equal(formatValue(0.693147), '0.6931');
  assert.equal(formatValue(2.5e-5), '2.500e-5');
  assert.equal(formatValue(123456.7), '1.235e+5');
});

/** A stand-in terminal that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { written: string } {
  const stream = { isTTY, columns: 40, written: '', write(text: string) { stream.written += text; return true; } };
  return stream as unknown as NodeJS.WriteStream & { written: string };
}

test('on a terminal progress is rewritten in place and cleared before a permanent line', () => {
  const stream = fakeStream(true);
  const progress = createTerminalProgress(stream);
  progress.show('fit: 10%');
  progress.show('fit: 20%');
  progress.print('cell 3 ok');
  assert.equal(stream.written, '\r\x1b[2Kfit: 10%\r\x1b[2Kfit: 20%\r\x1b[2Kcell 3 ok\n');
});

test('in a log progress appears at most once every 10 s, as whole lines', () => {
  const stream = fakeStream(false);
  let now = 0;
  const progress = createTerminalProgress(stream, () => now);
  progress.show('fit: 10%');
  now = 4_000;
  progress.show('fit: 20%');
  now = 10_500;
  progress.show('fit: 60%');
  progress.print('cell 3 ok');
  assert.equal(stream.written, 'fit: 10%\nfit: 60%\ncell 3 ok\n');
});
