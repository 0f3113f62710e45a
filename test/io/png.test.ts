import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, type RgbaImage16, type RgbaImage8 } from '../../src/io/index.js';

const { PNG } = pngjs;

function image8(w: number, h: number): RgbaImage8 {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 7)) & 0xff;
  return { width: w, height: h, depth: 8, data };
}
function image16(w: number, h: number): RgbaImage16 {
  const data = new Uint16Array(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + 0x1234) & 0xffff;
  return { width: w, height: h, depth: 16, data };
}

/** The chunks of a PNG file, parsed here by hand. */
function chunks(file: Uint8Array): { type: string; body: Buffer }[] {
  const b = Buffer.from(file);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: { type: string; body: Buffer }[] = [];
  for (let at = 8; at < b.length;) {
    const len = b.readUInt32BE(at);
    out.push({ type: b.toString('latin1', at + 4, at + 8), body: b.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

function pngFile(ihdr: { w: number; h: number; depth: number; colorType: number }, raw: Uint8Array): Buffer {
  const chunk = (type: string, body: Uint8Array): Buffer => {
    const c = Buffer.alloc(12 + body.length);
    c.writeUInt32BE(body.length, 0);
    c.write(type, 4, 'latin1');
    c.set(body, 8);
    c.writeUInt32BE(zlib.crc32(c.subarray(4, 8 + body.length)), 8 + body.length);
    return c;
  };
  const h = Buffer.alloc(13);
  h.writeUInt32BE(ihdr.w, 0);
  h.writeUInt32BE(ihdr.h, 4);
  h[8] = ihdr.depth;
  h[9] = ihdr.colorType;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', h), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

describe('encodePng', () => {
  it('writes an 8-bit RGBA PNG that pngjs reads back identically, rows with filter 0', () => {
    const img = image8(37, 11);
    const file = encodePng(img);
    const c = chunks(file);
    expect(c.map((x) => x.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(c[0]!.body.readUInt32BE(0)).toBe(37);
    expect(c[0]!.body.readUInt32BE(4)).toBe(11);
    expect([c[0]!.body[8], c[0]!.body[9], c[0]!.body[12]]).toEqual([8, 6, 0]); // depth 8, RGBA, not interlaced
    const raw = zlib.inflateSync(c[1]!.body);
    expect(raw.length).toBe(11 * (37 * 4 + 1));
    for (let y = 0; y < 11; y++) expect(raw[y * (37 * 4 + 1)]).toBe(0);
    const back = PNG.sync.read(file); // pngjs also checks every chunk CRC
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('writes a 16-bit RGBA PNG (big-endian samples) that pngjs reads back identically', () => {
    const img = image16(13, 7);
    const file = encodePng(img);
    const c = chunks(file);
    expect([c[0]!.body[8], c[0]!.body[9]]).toEqual([16, 6]);
    const raw = zlib.inflateSync(c[1]!.body);
    // first sample of the first row, big-endian after the filter byte
    expect((raw[1]! << 8) | raw[2]!).toBe(img.data[0]);
    const back = PNG.sync.read(file, { skipRescale: true }) as unknown as { data: Uint16Array };
    expect(back.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('the pngjs encoder gives the same pixels, with any filter type', () => {
    for (const img of [image8(20, 9), image16(5, 5)]) {
      for (const filterType of [0, 4]) {
        const file = encodePng(img, { encoder: 'pngjs', filterType });
        const back = decodePng(file);
        expect(back.depth).toBe(img.depth);
        expect(Array.from(back.data)).toEqual(Array.from(img.data));
      }
    }
  });

  it('deflateLevel changes the compression, not the pixels', () => {
    const img = image8(64, 64);
    const a = encodePng(img, { deflateLevel: 0 });
    const b = encodePng(img, { deflateLevel: 9 });
    expect(a.length).toBeGreaterThan(b.length);
    expect(Array.from(decodePng(a).data)).toEqual(Array.from(decodePng(b).data));
  });

  it('names the bad option or field', () => {
    const img = image8(2, 2);
    expect(() => encodePng(img, { deflateLevel: 12 })).toThrow('deflateLevel=12 must be an integer 0..9');
    expect(() => encodePng(img, { filterType: 2 })).toThrow("filterType=2 needs encoder 'pngjs'");
    expect(() => encodePng({ ...img, data: new Uint8Array(3) })).toThrow('data has 3 samples, 4*width*height=16 needed');
    expect(() => encodePng({ width: 2, height: 2, depth: 16, data: new Uint8Array(16) } as never)).toThrow('data must be a Uint16Array for depth 16');
    expect(() => encodePng({ ...img, width: 0 })).toThrow('width=0 must be a positive integer');
  });
});

describe('decodePng', () => {
  it('reads 8-bit and 16-bit files made by pngjs', () => {
    const p8 = new PNG({ width: 3, height: 2 });
    p8.data.set([1, 2, 3, 4, 250, 251, 252, 253, 0, 0, 0, 0, 9, 8, 7, 6, 100, 0, 0, 255, 1, 1, 1, 1]);
    const d8 = decodePng(PNG.sync.write(p8));
    expect(d8.depth).toBe(8);
    expect(Array.from(d8.data)).toEqual(Array.from(p8.data));

    const file16 = PNG.sync.write(
      { width: 1, height: 2, data: Buffer.from(new Uint16Array([0x0102, 0x8000, 0xffff, 0x7f80, 0, 385, 386, 65535]).buffer) } as never,
      { bitDepth: 16, colorType: 6, inputColorType: 6 },
    );
    const d16 = decodePng(file16);
    expect(d16.depth).toBe(16);
    expect(Array.from(d16.data)).toEqual([0x0102, 0x8000, 0xffff, 0x7f80, 0, 385, 386, 65535]);
    // to 8 bits as VKMS's writeback rounds: DIV_ROUND_CLOSEST(c, 257) = floor((c + 128) / 257)
    expect(Array.from(decodePng(file16, { depth: 8 }).data)).toEqual(
      [0x0102, 0x8000, 0xffff, 0x7f80, 0, 385, 386, 65535].map((c) => Math.floor((c + 128) / 257)),
    );
    expect(Array.from(decodePng(PNG.sync.write(p8), { depth: 16 }).data)).toEqual(Array.from(p8.data, (v) => v * 257));
  });

  it('scales 1-bit greyscale to 0/255 with opaque alpha', () => {
    // 3x2 grey 1-bit: row bits 101, 010 (MSB first), each row behind filter byte 0
    const file = pngFile({ w: 3, h: 2, depth: 1, colorType: 0 }, new Uint8Array([0, 0b10100000, 0, 0b01000000]));
    const img = decodePng(file);
    expect(img.depth).toBe(8);
    const grey = [255, 0, 255, 0, 255, 0];
    expect(Array.from(img.data)).toEqual(grey.flatMap((g) => [g, g, g, 255]));
  });

  it('rejects what is not a PNG', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4]))).toThrow(/decodePng: not a readable PNG file/);
    expect(() => decodePng('x' as never)).toThrow('decodePng: file must be a Uint8Array or Buffer');
  });
});
