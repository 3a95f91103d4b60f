import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inNotebook, show, showHtml } from '../../lib/report/show';
import { linePlot } from '../../lib/figures/line-plot';

type Written = { data: Record<string, string> };

/** Runs `body` with tslab's display hook pointing at a recorder, as inside a running cell. */
async function insideCell(body: () => Promise<void>): Promise<Written[]> {
  const written: Written[] = [];
  // The module object itself: an `import * as` namespace would only have read-only getters.
  const hooks = require('tslab/dist/jupyter') as { lastWriteDisplayData: ((data: Written) => void) | null };
  hooks.lastWriteDisplayData = (data) => written.push(data);
  try {
    await body();
  } finally {
    hooks.lastWriteDisplayData = null;
  }
  return written;
}

test('outside a notebook show and showHtml do nothing and return', async () => {
  assert.equal(inNotebook(), false);
  await show(linePlot([{ y: [1, 2] }]));
  showHtml('<b>x</b>');
});

test('inside a notebook show sends the PNG bytes and showHtml the HTML through tslab.display', async () => {
  const png = await linePlot([{ y: [1, 2] }]);
  const written = await insideCell(async () => {
    await show(png);
    showHtml('<table></table>');
  });
  assert.equal(written.length, 2);
  assert.deepEqual(Buffer.from(written[0].data['image/png'], 'base64'), Buffer.from(png));
  assert.equal(written[1].data['text/html'], '<table></table>');
});

test('show refuses bytes that are not a PNG', async () => {
  await assert.rejects(show(new Uint8Array([1, 2, 3])), /expected PNG bytes/);
});
