import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeModel,
  encodeModel,
  hiddenForFileSize,
  loadModel,
  parameterCount,
  saveModel,
  tensors,
} from '../lib/core/model.js';
import { randomModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sat-model-'));

describe('sat_model.bin layout', () => {
  it('has 82,304 parameters = 329,216 bytes for H = 128', () => {
    expect(parameterCount(128)).toBe(82304);
    expect(hiddenForFileSize(329216)).toBe(128);
    expect(hiddenForFileSize(parameterCount(256) * 4)).toBe(256);
    expect(hiddenForFileSize(329216 - 4)).toBeNull();
  });

  it('save → load round trip is bit-exact, and the file is the raw float32 image in order', () => {
    const m = randomModel(128, 3, 2);
    const path = join(dir, 'rt.bin');
    saveModel(path, m);
    const raw = readFileSync(path);
    expect(raw.byteLength).toBe(329216);
    // Wx[0][0] first, by[255] last, little-endian float32.
    expect(raw.readFloatLE(0)).toBe(m.Wx[0]);
    expect(raw.readFloatLE(329216 - 4)).toBe(m.by[255]);
    // bh comes before Wy.
    expect(raw.readFloatLE((128 * 256 + 128 * 128) * 4)).toBe(m.bh[0]);
    const back = loadModel(path);
    tensors(back).forEach((t, i) =>
      expect(Buffer.from(t.buffer).equals(Buffer.from(tensors(m)[i].buffer))).toBe(true),
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects a truncated file, naming it and the expected size', () => {
    const path = join(dir, 'short.bin');
    writeFileSync(path, encodeModel(randomModel(128, 1, 1)).subarray(0, 1000));
    expect(() => loadModel(path)).toThrow(
      new RegExp(`${path}.*truncated: 1,000 bytes, expected 329,216 bytes for H = 128`),
    );
    // When the hidden size is inferred from the size (the CLI), the message still names H = 128.
    expect(() => loadModel(path, null)).toThrow(
      /truncated: 1,000 bytes, expected 329,216 bytes for H = 128 \(or 4·\(H² \+ 513·H \+ 256\) bytes/,
    );
  });

  it('rejects an oversized file', () => {
    const path = join(dir, 'long.bin');
    writeFileSync(path, Buffer.concat([encodeModel(randomModel(128, 1, 1)), Buffer.alloc(8)]));
    expect(() => loadModel(path)).toThrow(
      /wrong size: 329,224 bytes, expected 329,216 bytes for H = 128/,
    );
  });

  it('rejects NaN and infinite weights, naming the tensor and index', () => {
    const img = Buffer.from(encodeModel(randomModel(128, 1, 1)));
    img.writeFloatLE(NaN, (128 * 256 + 5) * 4); // Wh[5]
    expect(() => decodeModel(img, 'nan.bin')).toThrow(/nan.bin: Wh\[5\] is NaN/);
    const img2 = Buffer.from(encodeModel(randomModel(128, 1, 1)));
    img2.writeFloatLE(Infinity, 329216 - 4);
    expect(() => decodeModel(img2, 'inf.bin')).toThrow(/by\[255\] is Infinity/);
  });

  it('reports a missing file by name', () => {
    expect(() => loadModel(join(dir, 'nope.bin'))).toThrow(/nope.bin: cannot be read \(ENOENT\)/);
  });

  it('infers H from the size when asked, and rejects sizes no H fits', () => {
    const m = randomModel(16, 2, 1);
    expect(decodeModel(encodeModel(m), 'h16', null).hidden).toBe(16);
    expect(() => decodeModel(new Uint8Array(100), 'odd', null)).toThrow(
      /odd: .*4·\(H² \+ 513·H \+ 256\)/,
    );
  });
});
