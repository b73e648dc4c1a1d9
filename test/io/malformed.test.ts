// malformed.test.ts — every kind of broken safetensors file throws an Error starting with
// `loadSafetensors:` that says what is wrong, quickly and without large allocations: short files,
// bad header lengths, bad UTF-8/JSON, bad entries, bad offsets, overlaps and holes, bad metadata.
// Also the writer's own input checks. Each case pins the message, not just a throw.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { loadSafetensors, readSafetensorsHeader, saveSafetensors } from '../../src/io/index.js';
import { makeFile } from './build.js';

const f32 = (n: number, begin: number) => ({ dtype: 'F32', shape: [n], data_offsets: [begin, begin + 4 * n] });
const load = (bytes: Uint8Array) => () => loadSafetensors(bytes);

describe('file and header length', () => {
  it('a file shorter than 8 bytes', () => {
    expect(load(new Uint8Array(0))).toThrow(/^loadSafetensors: file is 0 bytes, too short for the 8-byte header length$/);
    expect(load(new Uint8Array(7))).toThrow(/^loadSafetensors: file is 7 bytes, too short for the 8-byte header length$/);
  });

  it('a header length past the end of the file', () => {
    const bytes = makeFile({ a: f32(1, 0) }, 4).slice(0, 40); // truncated
    expect(load(bytes)).toThrow(/^loadSafetensors: header length 54 runs past the end of the file \(40 bytes; the header needs 62\)$/);
  });

  it('an absurdly large header length is refused before anything is allocated', () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expect(load(huge)).toThrow(/^loadSafetensors: header length 18446744073709551615 is over the format's 100000000-byte limit/);
    new DataView(huge.buffer).setBigUint64(0, 100_000_001n, true);
    expect(load(huge)).toThrow(/^loadSafetensors: header length 100000001 is over the format's 100000000-byte limit/);
    // within the limit but still larger than the file
    new DataView(huge.buffer).setBigUint64(0, 100_000_000n, true);
    expect(load(huge)).toThrow(/^loadSafetensors: header length 100000000 runs past the end of the file \(16 bytes/);
  });

  it('not bytes at all', () => {
    expect(() => loadSafetensors('{"a":1}' as unknown as Uint8Array)).toThrow(/^loadSafetensors: expected a Uint8Array or ArrayBuffer, got "\{\\"a\\":1\}"$/);
    expect(() => loadSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(/^loadSafetensors: expected a Uint8Array or ArrayBuffer, got \[1,2,3\]$/);
  });
});

describe('header text', () => {
  it('invalid UTF-8', () => {
    const bytes = makeFile('{"a":1}');
    bytes[10] = 0xff;
    expect(load(bytes)).toThrow(/^loadSafetensors: header is not valid UTF-8$/);
  });

  it('invalid JSON, an empty header, a byte order mark, NUL padding', () => {
    expect(load(makeFile('{"a":'))).toThrow(/^loadSafetensors: header is not valid JSON \(/);
    expect(load(makeFile(''))).toThrow(/^loadSafetensors: header is not valid JSON \(/);
    expect(load(makeFile('\uFEFF{}'))).toThrow(/^loadSafetensors: header is not valid JSON \(/);
    expect(load(makeFile('{}\0\0\0\0\0\0'))).toThrow(/^loadSafetensors: header is not valid JSON \(/);
  });

  it('a header that is not a JSON object', () => {
    expect(load(makeFile('[]'))).toThrow(/^loadSafetensors: header must be a JSON object, got \[\]$/);
    expect(load(makeFile('null'))).toThrow(/^loadSafetensors: header must be a JSON object, got null$/);
    expect(load(makeFile('42'))).toThrow(/^loadSafetensors: header must be a JSON object, got 42$/);
    expect(load(makeFile('"x"'))).toThrow(/^loadSafetensors: header must be a JSON object, got "x"$/);
  });

  it('space padding before and after the object is fine (serde_json allows it too)', () => {
    expect(loadSafetensors(makeFile(` {"a":${JSON.stringify(f32(1, 0))}}      `, 4)).a.toArray()).toEqual([0]);
  });
});

describe('tensor entries', () => {
  it('an entry that is not an object', () => {
    expect(load(makeFile({ a: 3 }))).toThrow(/^loadSafetensors: entry 'a' must be an object with dtype, shape and data_offsets, got 3$/);
    expect(load(makeFile({ a: [1] }))).toThrow(/^loadSafetensors: entry 'a' must be an object with dtype, shape and data_offsets, got \[1\]$/);
    expect(load(makeFile({ a: null }))).toThrow(/^loadSafetensors: entry 'a' must be an object/);
  });

  it('an entry missing a field', () => {
    expect(load(makeFile({ a: { shape: [1], data_offsets: [0, 4] } }, 4))).toThrow(/^loadSafetensors: entry 'a' is missing 'dtype'$/);
    expect(load(makeFile({ a: { dtype: 'F32', data_offsets: [0, 4] } }, 4))).toThrow(/^loadSafetensors: entry 'a' is missing 'shape'$/);
    expect(load(makeFile({ a: { dtype: 'F32', shape: [1] } }, 4))).toThrow(/^loadSafetensors: entry 'a' is missing 'data_offsets'$/);
  });

  it('extra fields in an entry are ignored (as the reference reader does)', () => {
    expect(loadSafetensors(makeFile({ a: { ...f32(1, 0), note: 'x' } }, 4)).a.shape).toEqual([1]);
  });

  it('an unknown or unsupported dtype', () => {
    const withDtype = (dtype: unknown) => makeFile({ a: { dtype, shape: [1], data_offsets: [0, 4] } }, 4);
    expect(load(withDtype('F128'))).toThrow(/^loadSafetensors: tensor 'a' has unknown dtype "F128" \(expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL\)$/);
    expect(load(withDtype('f32'))).toThrow(/^loadSafetensors: tensor 'a' has unknown dtype "f32"/);
    expect(load(withDtype('constructor'))).toThrow(/^loadSafetensors: tensor 'a' has unknown dtype "constructor"/);
    expect(load(withDtype(4))).toThrow(/^loadSafetensors: tensor 'a' has unknown dtype 4 /);
    expect(load(withDtype('F8_E4M3'))).toThrow(/^loadSafetensors: tensor 'a' has dtype F8_E4M3, which tensorloom cannot read \(it reads F64, F32/);
  });

  it('a shape with negative, fractional, non-numeric or infinite entries, or not an array', () => {
    const withShape = (shape: string) => makeFile(`{"a":{"dtype":"F32","shape":${shape},"data_offsets":[0,4]}}`, 4);
    const msg = (s: string) => new RegExp(`^loadSafetensors: tensor 'a' has shape ${s}; expected an array of non-negative integers$`);
    expect(load(withShape('[-1]'))).toThrow(msg('\\[-1\\]'));
    expect(load(withShape('[1.5]'))).toThrow(msg('\\[1\\.5\\]'));
    expect(load(withShape('["1"]'))).toThrow(msg('\\["1"\\]'));
    expect(load(withShape('[1e400]'))).toThrow(msg('\\[null\\]')); // JSON's 1e400 parses to Infinity
    expect(load(withShape('[null]'))).toThrow(msg('\\[null\\]'));
    expect(load(withShape('4'))).toThrow(msg('4'));
    expect(load(withShape('{"0":1}'))).toThrow(msg('\\{"0":1\\}'));
  });

  it('a shape with more elements than a tensor can hold (2^31 - 1) is refused before any allocation', () => {
    const bytes = makeFile({ a: { dtype: 'F32', shape: [1e10, 1e10], data_offsets: [0, 0] } });
    expect(load(bytes)).toThrow(/^loadSafetensors: tensor 'a': shape \[10000000000,10000000000\] has 100000000000000000000 elements, more than the 2147483647 a tensor can hold$/);
    expect(() => readSafetensorsHeader(makeFile({ b: { dtype: 'U8', shape: [65536, 32768], data_offsets: [0, 0] } })))
      .toThrow(/^readSafetensorsHeader: tensor 'b': shape \[65536,32768\] has 2147483648 elements/);
    // zero elements is a valid (empty) tensor whatever the other sizes, as in PyTorch
    expect(loadSafetensors(makeFile({ c: { dtype: 'F32', shape: [1e10, 1e10, 0], data_offsets: [0, 0] } })).c.numel()).toBe(0);
  });

  it('a shape of 1,000 dims of size 1 is refused at once (at most 64 dims), before any allocation', () => {
    const bytes = makeFile({ w: { dtype: 'F32', shape: new Array(1000).fill(1), data_offsets: [0, 4] } }, 4);
    expect(load(bytes)).toThrow(/^loadSafetensors: tensor 'w': a shape of 1000 dims is more than the 64 allowed$/); // took 16 s and 450 MB
    expect(loadSafetensors(makeFile({ w: { dtype: 'F32', shape: new Array(64).fill(1), data_offsets: [0, 4] } }, 4)).w.ndim).toBe(64);
  });

  it('data_offsets that are not two non-negative integers', () => {
    const withOffsets = (o: string) => makeFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":${o}}}`, 4);
    const msg = (s: string) => new RegExp(`^loadSafetensors: tensor 'a' has data_offsets ${s}; expected \\[begin, end\\] with non-negative integers$`);
    expect(load(withOffsets('[0]'))).toThrow(msg('\\[0\\]'));
    expect(load(withOffsets('[0,4,8]'))).toThrow(msg('\\[0,4,8\\]'));
    expect(load(withOffsets('[-4,0]'))).toThrow(msg('\\[-4,0\\]'));
    expect(load(withOffsets('[0,"4"]'))).toThrow(msg('\\[0,"4"\\]'));
    expect(load(withOffsets('[0,4.5]'))).toThrow(msg('\\[0,4\\.5\\]'));
    expect(load(withOffsets('"0,4"'))).toThrow(msg('"0,4"'));
    expect(load(withOffsets('[0,9007199254740993]'))).toThrow(msg('\\[0,9007199254740992\\]'));
  });

  it('end before begin', () => {
    expect(load(makeFile({ a: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, 8)))
      .toThrow(/^loadSafetensors: tensor 'a' has data_offsets \[8, 4\] with end before begin$/);
  });

  it('data_offsets past the end of the data buffer', () => {
    expect(load(makeFile({ a: { dtype: 'F32', shape: [100], data_offsets: [0, 400] } }, 8)))
      .toThrow(/^loadSafetensors: tensor 'a' has data_offsets \[0, 400\] past the end of the data buffer \(8 bytes\)$/);
  });

  it('a byte length that is not numel x dtype size', () => {
    expect(load(makeFile({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, 20)))
      .toThrow(/^loadSafetensors: tensor 'w' is F32 of shape \[2,3\], which needs 6 x 4 = 24 bytes, but data_offsets \[0, 20\] hold 20$/);
    expect(load(makeFile({ w: { dtype: 'I64', shape: [], data_offsets: [0, 4] } }, 4)))
      .toThrow(/^loadSafetensors: tensor 'w' is I64 of shape \[\], which needs 1 x 8 = 8 bytes, but data_offsets \[0, 4\] hold 4$/);
  });
});

describe('coverage of the data buffer', () => {
  it('overlapping tensors', () => {
    expect(load(makeFile({ a: f32(2, 0), b: f32(2, 4) }, 12)))
      .toThrow(/^loadSafetensors: tensors 'a' and 'b' overlap \(data_offsets of 'b' are \[4, 12\], 'a' ends at 8\)$/);
    // two tensors on the very same bytes
    expect(load(makeFile({ a: f32(1, 0), b: f32(1, 0) }, 4))).toThrow(/^loadSafetensors: tensors 'a' and 'b' overlap/);
    // a zero-size tensor inside another one
    expect(load(makeFile({ a: f32(2, 0), z: { dtype: 'F32', shape: [0], data_offsets: [4, 4] } }, 8)))
      .toThrow(/^loadSafetensors: tensors 'a' and 'z' overlap/);
  });

  it('a hole between tensors, at the start, or at the end', () => {
    expect(load(makeFile({ a: f32(1, 0), b: f32(1, 8) }, 12)))
      .toThrow(/^loadSafetensors: bytes \[4, 8\) of the data buffer belong to no tensor \(a hole before 'b'\)$/);
    expect(load(makeFile({ a: f32(1, 4) }, 8)))
      .toThrow(/^loadSafetensors: bytes \[0, 4\) of the data buffer belong to no tensor \(a hole before 'a'\)$/);
    expect(load(makeFile({ a: f32(1, 0) }, 8)))
      .toThrow(/^loadSafetensors: bytes \[4, 8\) at the end of the data buffer belong to no tensor \(the tensors cover 4 of 8 bytes\)$/);
    expect(load(makeFile({}, 3))).toThrow(/^loadSafetensors: bytes \[0, 3\) at the end of the data buffer belong to no tensor/);
  });

  it('tensors given out of order in the header, and zero-size ones at a boundary, are fine', () => {
    const sd = loadSafetensors(makeFile({ b: f32(1, 4), z: { dtype: 'F32', shape: [0, 2], data_offsets: [4, 4] }, a: f32(1, 0) }, 8));
    expect(Object.keys(sd)).toEqual(['a', 'z', 'b']); // file order
    expect(sd.z.shape).toEqual([0, 2]);
  });

  it('a duplicated key (JSON.parse keeps the last) leaves the first one\'s bytes uncovered: rejected', () => {
    const text = `{"a":${JSON.stringify(f32(1, 0))},"a":${JSON.stringify(f32(1, 4))}}`;
    expect(load(makeFile(text, 8))).toThrow(/^loadSafetensors: bytes \[0, 4\) of the data buffer belong to no tensor \(a hole before 'a'\)$/);
  });
});

describe('__metadata__', () => {
  it('is read as metadata, never as a tensor', () => {
    const bytes = makeFile({ __metadata__: { format: 'pt', dtype: 'F32' }, a: f32(1, 0) }, 4);
    expect(Object.keys(loadSafetensors(bytes))).toEqual(['a']);
    expect(readSafetensorsHeader(bytes).metadata).toEqual({ format: 'pt', dtype: 'F32' });
  });

  it('values that are not strings', () => {
    expect(load(makeFile({ __metadata__: { epoch: 3 } })))
      .toThrow(/^loadSafetensors: __metadata__ value for 'epoch' must be a string, got 3$/);
    expect(load(makeFile({ __metadata__: { nested: { a: 'b' } } })))
      .toThrow(/^loadSafetensors: __metadata__ value for 'nested' must be a string, got \{"a":"b"\}$/);
  });

  it('metadata that is not an object; null means none, as in the reference reader', () => {
    expect(load(makeFile({ __metadata__: 'pt' }))).toThrow(/^loadSafetensors: __metadata__ must be an object of string -> string, got "pt"$/);
    expect(load(makeFile({ __metadata__: ['pt'] }))).toThrow(/^loadSafetensors: __metadata__ must be an object of string -> string, got \["pt"\]$/);
    expect(readSafetensorsHeader(makeFile({ __metadata__: null, a: f32(1, 0) }, 4)).metadata).toBeNull();
  });

  it('readSafetensorsHeader names itself in its errors', () => {
    expect(() => readSafetensorsHeader(new Uint8Array(3))).toThrow(/^readSafetensorsHeader: file is 3 bytes/);
  });
});

describe('saveSafetensors input checks', () => {
  it('a value that is not a Tensor, naming the key', () => {
    expect(() => saveSafetensors({ 'fc.weight': [1, 2] as never })).toThrow(/^saveSafetensors: value for key 'fc\.weight' is not a Tensor \(got \[1,2\]\)$/);
    expect(() => saveSafetensors({ w: new Float32Array(2) as never })).toThrow(/^saveSafetensors: value for key 'w' is not a Tensor \(got a Float32Array\)$/);
  });

  it('not a state dict', () => {
    expect(() => saveSafetensors(null as never)).toThrow(/^saveSafetensors: expected a state dict \(an object of name -> Tensor\), got null$/);
    expect(() => saveSafetensors(tensor([1]) as never)).toThrow(/^saveSafetensors: expected a state dict .*, got a Tensor of shape \[1\]$/);
  });

  it('a tensor named __metadata__', () => {
    expect(() => saveSafetensors({ __metadata__: tensor(1) })).toThrow(/^saveSafetensors: the key '__metadata__' is reserved/);
  });

  it('metadata that is not string -> string', () => {
    expect(() => saveSafetensors({}, { epoch: 3 as never })).toThrow(/^saveSafetensors: metadata value for 'epoch' must be a string, got 3$/);
    expect(() => saveSafetensors({}, ['x'] as never)).toThrow(/^saveSafetensors: metadata must be an object of string -> string, got \["x"\]$/);
    expect(() => saveSafetensors({}, 'pt' as never)).toThrow(/^saveSafetensors: metadata must be an object of string -> string, got "pt"$/);
  });
});
