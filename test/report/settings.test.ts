import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { projectRoot } from '../../lib/report/paths';
import { editDistance, readSetting, SETTINGS, settingProblem, settingProblems } from '../../lib/report/settings';
import * as definitions from '../../lib/report/settings';
import { threadCount } from '../../lib/parallel/pool';
import { chooseBackend } from '../../lib/backend';
import { photosFolder } from '../../lib/data/photos';
import { loadMnist } from '../../lib/data/mnist';
import { runSize } from '../../lib/report/size';
import { scratchDir, writeNotebook } from '../helpers/scratch';

const root = projectRoot();

/** For every variable: a value it accepts and one it refuses, with the words the refusal must contain. */
function cases(dir: string): Record<string, { good: string; bad: string; says: RegExp }> {
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, '');
  return {
    LFR_SIZE: { good: 'quick', bad: 'bogus', says: /LFR_SIZE="bogus": expected "quick" or "full"/ },
    LFR_BACKEND: { good: 'wasm', bad: 'gpu', says: /LFR_BACKEND="gpu": expected one of tensorflow, wasm, cpu/ },
    LFR_THREADS: { good: '3', bad: '2.5', says: /LFR_THREADS="2.5": expected an integer from 1 to 16/ },
    LFR_PROGRESS: { good: 'off', bad: 'quiet', says: /LFR_PROGRESS="quiet": expected "on" or "off"/ },
    LFR_REPORT_DIR: { good: path.join(dir, 'new', 'report'), bad: path.join(file, 'report'), says: /LFR_REPORT_DIR=".*a-file.report": .*a-file is a file, not a folder; expected a folder path/ },
    LFR_PHOTOS_DIR: { good: dir, bad: path.join(dir, 'missing'), says: /LFR_PHOTOS_DIR=".*missing": no such folder; expected an existing folder of JPEG\/PNG photographs/ },
    MNIST_DIR: { good: dir, bad: file, says: /MNIST_DIR=".*a-file": a file, not a folder; expected an existing folder holding the four MNIST idx files/ },
  };
}

test('every variable the project reads is defined once, with its meaning and expected values', () => {
  const names = SETTINGS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const setting of SETTINGS) assert.ok(setting.meaning.length > 10 && setting.expected.length > 2, setting.name);
  // Every LFR_* name written anywhere in the code is one of them: a new variable cannot skip the check.
  const used = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      // settings.ts itself names a typo as an example.
      else if (file.endsWith('.ts') && !file.endsWith(path.join('report', 'settings.ts'))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const match of text.matchAll(/\bLFR_[A-Z_]+\b/g)) used.add(match[0]);
        // A library may read a setting through its definition: readSetting(PROGRESS) reads LFR_PROGRESS.
        for (const match of text.matchAll(/readSetting\(\s*([A-Z_]+)\b/g)) {
          const setting = (definitions as Record<string, unknown>)[match[1]] as { name?: string } | undefined;
          if (setting?.name) used.add(setting.name);
        }
      }
    }
  };
  walk(path.join(root, 'lib'));
  walk(path.join(root, 'scripts'));
  const notebooks = fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
  for (const nb of notebooks) for (const match of fs.readFileSync(path.join(root, 'notebooks', nb), 'utf8').matchAll(/\bLFR_[A-Z_]+\b/g)) used.add(match[0]);
  const undefinedNames = [...used].filter((name) => !names.includes(name));
  assert.deepEqual(undefinedNames, []);
  for (const name of names.filter((n) => n.startsWith('LFR_'))) assert.ok(used.has(name), `${name} is defined but no code reads it`);
});

test('each variable: a good value passes, a bad one is one problem line naming the value and what was expected', () => {
  const dir = scratchDir('settings');
  for (const [name, { good, bad, says }] of Object.entries(cases(dir))) {
    assert.deepEqual(settingProblems({ [name]: good }), [], name);
    const problems = settingProblems({ [name]: bad });
    assert.equal(problems.length, 1, name);
    assert.match(problems[0], says);
    // The library reading the variable throws the same words.
    const setting = SETTINGS.find((s) => s.name === name)!;
    assert.throws(() => readSetting(setting, { [name]: bad }), (error: Error) => error.message === problems[0]);
  }
});

test('unset or empty means the default, for every variable', () => {
  for (const setting of SETTINGS) {
    assert.equal(readSetting(setting, {}), undefined);
    assert.equal(readSetting(setting, { [setting.name]: '' }), undefined);
  }
  assert.deepEqual(settingProblems({ LFR_SIZE: '', MNIST_DIR: '' }), []);
});

test('several bad values and an unknown LFR_* name are all listed at once', () => {
  const problems = settingProblems({ LFR_THREADS: 'abc', LFR_BACKEND: 'bogus', LFR_DEM_THREADS: '2', LFR_SIZ: 'quick', PATH: '/bin' });
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.ok(problems.some((p) => /^LFR_THREADS="abc"/.test(p)));
  assert.ok(problems.some((p) => /^LFR_BACKEND="bogus"/.test(p)));
  assert.ok(problems.some((p) => /^LFR_DEM_THREADS is not a setting of this project \(did you mean LFR_THREADS\?\)/.test(p)));
  assert.ok(problems.some((p) => /^LFR_SIZ is not a setting of this project \(did you mean LFR_SIZE\?\)/.test(p)));
});

test('edit distance counts insertions, deletions and substitutions', () => {
  assert.equal(editDistance('LFR_SIZE', 'LFR_SIZE'), 0);
  assert.equal(editDistance('LFR_SIZ', 'LFR_SIZE'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
});

test('the libraries refuse a bad value with the definition\'s words, and read a good one', async () => {
  const dir = scratchDir('settings-libs');
  const all = cases(dir);
  const same = (name: string) => (error: Error) => {
    assert.equal(error.message, settingProblem(SETTINGS.find((s) => s.name === name)!, all[name].bad));
    return true;
  };
  assert.throws(() => threadCount({ LFR_THREADS: all.LFR_THREADS.bad }), same('LFR_THREADS'));
  assert.equal(threadCount({ LFR_THREADS: '3' }), 3);
  await assert.rejects(chooseBackend({ LFR_BACKEND: all.LFR_BACKEND.bad }, { loadNode: () => {}, loadWasm: () => {} }), same('LFR_BACKEND'));
  assert.throws(() => photosFolder(undefined, { LFR_PHOTOS_DIR: all.LFR_PHOTOS_DIR.bad }), same('LFR_PHOTOS_DIR'));
  assert.equal(photosFolder(undefined, { LFR_PHOTOS_DIR: dir }), dir);
  assert.throws(() => loadMnist({ split: 'train' }, { MNIST_DIR: all.MNIST_DIR.bad }), same('MNIST_DIR'));
  // LFR_SIZE is read by lib/report/size.ts, whose own check accepts exactly what the definition accepts.
  for (const value of ['quick', 'full', 'bogus', 'Quick', ' full']) {
    const definition = settingProblems({ LFR_SIZE: value }).length === 0;
    let reader = true;
    try {
      runSize({ LFR_SIZE: value });
    } catch {
      reader = false;
    }
    assert.equal(reader, definition, value);
  }
});

function runReport(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LFR_') && name !== 'MNIST_DIR'));
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), ...args], {
    encoding: 'utf8',
    env: { ...clean, LFR_PROGRESS: 'off', ...env },
  });
}

/** An MNIST-format folder of `n` blank training digits and `n` test digits, headers and bytes written directly. */
function tinyMnistFolder(dir: string, n: number): string {
  const folder = path.join(dir, 'mnist');
  fs.mkdirSync(folder);
  const idx = (shape: number[]) => {
    const bytes = Buffer.alloc(4 + 4 * shape.length + shape.reduce((a, b) => a * b, 1));
    bytes.writeUInt32BE(0x800 + shape.length, 0);
    shape.forEach((size, k) => bytes.writeUInt32BE(size, 4 + 4 * k));
    return bytes;
  };
  for (const [images, labels] of [['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'], ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']]) {
    fs.writeFileSync(path.join(folder, images), idx([n, 28, 28]));
    fs.writeFileSync(path.join(folder, labels), idx([n]));
  }
  return folder;
}

test('the runner lists every bad setting, data folder and flag in one message and starts no kernel', () => {
  const dir = scratchDir('runner-settings');
  const marker = path.join(dir, 'ran');
  const photos = path.join(dir, 'photos');
  fs.mkdirSync(photos);
  fs.writeFileSync(path.join(photos, 'notes.txt'), 'no photo here');
  writeNotebook(path.join(dir, '01-marks.ipynb'), [{ code: `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');` }]);
  const out = path.join(dir, 'out');
  const result = runReport(['--notebooks', dir, '--out', out, '--time-limit'], {
    LFR_THREADS: 'abc',
    LFR_DEM_THREADS: '17',
    LFR_BACKEND: 'bogus',
    LFR_NCE_THREADS: '2',
    MNIST_DIR: tinyMnistFolder(dir, 50),
    LFR_PHOTOS_DIR: photos,
  });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /report: nothing was run; 7 problems with the settings:/);
  for (const expected of [/LFR_THREADS="abc": expected an integer from 1 to 16/, /LFR_DEM_THREADS is not a setting/,
    /LFR_BACKEND="bogus": expected one of/, /LFR_NCE_THREADS is not a setting/,
    /MNIST_DIR=".*mnist": 50 train digits, at least 785 needed \(a full-rank 784×784 pixel covariance needs more centred rows than pixels\)/,
    /LFR_PHOTOS_DIR=".*photos": no \.jpg\/\.jpeg\/\.png file among its 1 entry; expected JPEG\/PNG photographs/, /--time-limit needs a value/]) {
    assert.match(result.stderr, expected);
  }
  assert.ok(!fs.existsSync(marker), 'a notebook ran');
  assert.ok(!fs.existsSync(out), 'the report folder was touched');
});

test('the runner warns in the terminal when LFR_BACKEND forces the slow cpu backend', () => {
  // An empty notebook folder: the run ends right after the start-up check, warning printed or not.
  const dir = scratchDir('runner-cpu');
  const forced = runReport(['--notebooks', dir, '--out', path.join(dir, 'out')], { LFR_BACKEND: 'cpu' });
  assert.match(forced.stderr, /^WARNING: LFR_BACKEND=cpu forces TensorFlow\.js's pure-JavaScript cpu backend: the report takes about 2\.6× as long as on wasm/m);
  assert.match(forced.stderr, /no notebooks in/);
  const envs: Record<string, string>[] = [{}, { LFR_BACKEND: 'wasm' }];
  for (const env of envs) {
    const quiet = runReport(['--notebooks', dir, '--out', path.join(dir, 'out')], env);
    assert.match(quiet.stderr, /no notebooks in/);
    assert.doesNotMatch(quiet.stderr, /WARNING/);
  }
});
