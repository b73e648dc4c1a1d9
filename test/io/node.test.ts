// node.test.ts — the `tensorloom/node` entry: saveFile/loadFile through a temporary directory
// (same bytes as saveSafetensors, same tensors back), errors that name the path, and readBytes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { arange, tensor } from '../../src/index.js';
import { saveSafetensors } from '../../src/io/index.js';
import { loadFile, readBytes, saveFile } from '../../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorloom-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saveFile / loadFile', () => {
  const sd = () => ({
    'fc.weight': arange(6).reshape(2, 3).transpose(0, 1),
    'fc.bias': tensor([0.5, -0.5], { dtype: 'float64' }),
    'bn.num_batches_tracked': tensor(7, { dtype: 'int32' }),
    'mask': tensor([true, false]),
  });

  it('writes exactly the bytes of saveSafetensors and reads the same tensors back', () => {
    const path = join(dir, 'model.safetensors');
    saveFile(path, sd(), { format: 'pt' });
    expect([...readFileSync(path)]).toEqual([...saveSafetensors(sd(), { format: 'pt' })]);
    const back = loadFile(path);
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd()).sort());
    for (const [k, t] of Object.entries(sd())) {
      expect(back[k].dtype, k).toBe(t.dtype);
      expect(back[k].toArray(), k).toEqual(t.toArray());
    }
  });

  it('passes the int64Keys option through', () => {
    const path = join(dir, 'steps.safetensors');
    saveFile(path, { steps: tensor([1], { dtype: 'int32' }) }, null, { int64Keys: () => true });
    expect(readFileSync(path).length).toBe(8 + 64 + 8); // header '{"steps":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}' (58 bytes) padded to 64
    expect(loadFile(path).steps.toArray()).toEqual([1]);
  });

  it('a malformed file: the error names the path and keeps loadSafetensors\' message', () => {
    const path = join(dir, 'broken.safetensors');
    writeFileSync(path, Uint8Array.from([1, 2, 3]));
    expect(() => loadFile(path)).toThrow(`loadFile: ${path}: loadSafetensors: file is 3 bytes, too short for the 8-byte header length`);
  });

  it('a missing file: the file system error, naming the path', () => {
    const path = join(dir, 'missing.safetensors');
    expect(() => loadFile(path)).toThrow(/ENOENT.*missing\.safetensors/);
  });

  it('readBytes returns the file as a Uint8Array', () => {
    const path = join(dir, 'bytes.bin');
    writeFileSync(path, Uint8Array.from([1, 2, 3, 250]));
    const bytes = readBytes(path);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([1, 2, 3, 250]);
  });
});
