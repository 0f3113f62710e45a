/**
 * WebAssembly versions of the hottest line kernels (8888 conversion, the premultiplied blend of
 * 8888 planes, writeback conversion), assembled here from TypeScript. WebAssembly's i32 arithmetic
 * wraps modulo 2^32 exactly as VKMS's u32 sum does, so the blend is the kernel formula itself:
 *   c = ((s·0xffff + o·(0xffff − a) + 0x7fff) mod 2^32) / 0xffff, then & 0xffff.
 * They work on a memory owned by the composer (line buffers and source spans copied in). The
 * JavaScript kernels remain the reference path when WebAssembly is not available.
 */

// --- a tiny assembler ----------------------------------------------------------------------------

const I32 = 0x7f;

function uleb(v: number, out: number[]): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(v: number, out: number[]): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

/** Emits one function body; the methods push instructions in stack order. */
class Asm {
  readonly code: number[] = [];
  constructor(readonly params: number, readonly locals: number, readonly vlocals = 0) {}
  private simd(op: number): this { this.code.push(0xfd); uleb(op, this.code); return this; }
  vload(off = 0): this { this.simd(0x00); this.code.push(4); uleb(off, this.code); return this; }
  vstore(off = 0): this { this.simd(0x0b); this.code.push(4); uleb(off, this.code); return this; }
  shuffle(lanes: readonly number[]): this { this.simd(0x0d); this.code.push(...lanes); return this; }
  swizzle(): this { return this.simd(0x0e); }
  v128const(bytes: readonly number[]): this { this.simd(0x0c); this.code.push(...bytes); return this; }
  splat(v: number): this { return this.c(v).simd(0x11); }
  vand(): this { return this.simd(0x4e); }
  vor(): this { return this.simd(0x50); }
  vshl(): this { return this.simd(0xab); }
  vshru(): this { return this.simd(0xad); }
  vadd(): this { return this.simd(0xae); }
  vsub(): this { return this.simd(0xb1); }
  vmul(): this { return this.simd(0xb5); }
  // 16-bit lanes
  h8splat(v: number): this { return this.c(v).simd(0x10); }
  h8extLoU(): this { return this.simd(0x89); }
  h8extHiU(): this { return this.simd(0x8a); }
  h8add(): this { return this.simd(0x8e); }
  h8sub(): this { return this.simd(0x91); }
  h8mul(): this { return this.simd(0x95); }
  h8shru(): this { return this.simd(0x8d); }
  h8gtu(): this { return this.simd(0x32); }
  b16gtu(): this { return this.simd(0x28); }
  anyTrue(): this { return this.simd(0x53); }
  narrowU(): this { return this.simd(0x66); }
  call(f: number): this { this.code.push(0x10); uleb(f, this.code); return this; }
  private op(...b: number[]): this { this.code.push(...b); return this; }
  get(i: number): this { this.code.push(0x20); uleb(i, this.code); return this; }
  set(i: number): this { this.code.push(0x21); uleb(i, this.code); return this; }
  tee(i: number): this { this.code.push(0x22); uleb(i, this.code); return this; }
  c(v: number): this { this.code.push(0x41); sleb(v | 0, this.code); return this; }
  load(off = 0): this { this.code.push(0x28, 2); uleb(off, this.code); return this; }
  load16(off = 0): this { this.code.push(0x2f, 1); uleb(off, this.code); return this; }
  store(off = 0): this { this.code.push(0x36, 2); uleb(off, this.code); return this; }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  divu(): this { return this.op(0x6e); }
  and(): this { return this.op(0x71); }
  or(): this { return this.op(0x72); }
  shl(): this { return this.op(0x74); }
  shru(): this { return this.op(0x76); }
  eq(): this { return this.op(0x46); }
  eqz(): this { return this.op(0x45); }
  geu(): this { return this.op(0x4f); }
  select(): this { return this.op(0x1b); }
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if(): this { return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(d: number): this { return this.op(0x0c, d); }
  brIf(d: number): this { return this.op(0x0d, d); }
  /** (x >>> shiftLocal) & 0xff */
  byte(x: number, shiftLocal: number): this { return this.get(x).get(shiftLocal).shru().c(255).and(); }
  /** addr = base + i << s */
  addr(base: number, i: number, s: number): this { return this.get(base).get(i).c(s).shl().add(); }
  /** DIV_ROUND_CLOSEST(c, 257) of the value on the stack: ((c + 128) · 65281) >>> 24, exact for c ≤ 65535. */
  div257(): this { return this.c(128).add().c(65281).mul().c(24).shru(); }
  /** Pushes the XRGB8888 word (alpha byte 0xff) of the u16 channels in locals r, g, b (writeback rounding). */
  xrgb8888(r: number, g: number, b: number): this {
    return this.get(r).div257().c(16).shl().get(g).div257().c(8).shl().or().get(b).div257().or().c(0xff000000 | 0).or();
  }
  /** The VKMS blend of channel values s (local) over o (stack top) with inv (local): pre_mul_blend_channel. */
  blendc(s: number, inv: number): this {
    // stack: o → o·inv + s·65535 + 32767, all mod 2^32, / 65535, & 0xffff
    return this.get(inv).mul().get(s).c(65535).mul().add().c(32767).add().c(65535).divu().c(0xffff).and();
  }
}

function moduleBytes(fns: { name: string; asm: Asm }[], sharedMemory = false): Uint8Array {
  const b: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]): void => { b.push(id); uleb(body.length, b); b.push(...body); };
  // types: one per function (params all i32, no result)
  const types: number[] = [];
  uleb(fns.length, types);
  for (const f of fns) { types.push(0x60); uleb(f.asm.params, types); for (let i = 0; i < f.asm.params; i++) types.push(I32); types.push(0); }
  section(1, types);
  // import the memory: env.mem
  const imp: number[] = [];
  uleb(1, imp);
  for (const s of ['env', 'mem']) { uleb(s.length, imp); for (const ch of s) imp.push(ch.charCodeAt(0)); }
  imp.push(0x02);
  if (sharedMemory) { imp.push(0x03); uleb(1, imp); uleb(65536, imp); } // shared, min 1, max 65536 pages
  else imp.push(0x00, 0x01);
  section(2, imp);
  const funcs: number[] = [];
  uleb(fns.length, funcs);
  fns.forEach((_, i) => uleb(i, funcs));
  section(3, funcs);
  const exp: number[] = [];
  uleb(fns.length, exp);
  fns.forEach((f, i) => { uleb(f.name.length, exp); for (const ch of f.name) exp.push(ch.charCodeAt(0)); exp.push(0x00); uleb(i, exp); });
  section(7, exp);
  const code: number[] = [];
  uleb(fns.length, code);
  for (const f of fns) {
    const body: number[] = [];
    const groups: [number, number][] = [];
    if (f.asm.locals > 0) groups.push([f.asm.locals, I32]);
    if (f.asm.vlocals > 0) groups.push([f.asm.vlocals, 0x7b]);
    uleb(groups.length, body);
    for (const [count, type] of groups) { uleb(count, body); body.push(type); }
    body.push(...f.asm.code, 0x0b);
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code);
  return Uint8Array.from(b);
}

// --- the kernels ------------------------------------------------------------------------------------

/** Flags of cvt8888. */
export const CVT_ALPHA = 1; // the format has alpha (else 0xffff)
export const CVT_WB = 2; // write XRGB8888 writeback words
export const CVT_NO_LINE = 4; // do not write the 16-bit line
/** Flags of blend1 / blend2. */
export const BL_LINE = 1; // write the 16-bit line (blend2; blend1 always does)
export const BL_WB = 2; // write XRGB8888 writeback words

/** cvt8888(src, n, out, wb, rs, gs, bs, as, flags): 8888 words → ARGB16161616 line (+ writeback). */
function cvt8888(): Asm {
  const [src, n, out, wb, rs, gs, bs, as, flags, i, p, R, G, B] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const a = new Asm(9, 5);
  a.c(0).set(i).block().loop();
  a.get(i).get(n).geu().brIf(1);
  a.addr(src, i, 2).load().set(p);
  a.byte(p, rs).set(R).byte(p, gs).set(G).byte(p, bs).set(B);
  a.get(flags).c(CVT_NO_LINE).and().eqz().if();
  // line: [a, r] then [g, b]
  a.addr(out, i, 3);
  a.byte(p, as).c(257).mul().c(0xffff).get(flags).c(CVT_ALPHA).and().select();
  a.get(R).c(257).mul().c(16).shl().or().store(0);
  a.addr(out, i, 3);
  a.get(G).c(257).mul().get(B).c(257).mul().c(16).shl().or().store(4);
  a.end();
  a.get(flags).c(CVT_WB).and().if();
  a.addr(wb, i, 2).get(R).c(16).shl().get(G).c(8).shl().or().get(B).or().c(0xff000000 | 0).or().store(0);
  a.end();
  a.get(i).c(1).add().set(i).br(0);
  a.end().end();
  return a;
}

/** blend1(t, n, out, wb, tr, tg, tb, ta, flags): translucent 8888 words over the line (+ writeback). */
function blend1(): Asm {
  const [t, n, out, wb, tr, tg, tb, ta, flags, i, p, A, inv, R, G, B, ad, s] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const a = new Asm(9, 9);
  a.c(0).set(i).block().loop();
  a.get(i).get(n).geu().brIf(1);
  a.addr(t, i, 2).load().set(p);
  a.addr(out, i, 3).set(ad);
  a.byte(p, ta).set(A);
  a.get(A).c(255).eq().if();
  a.byte(p, tr).c(257).mul().set(R).byte(p, tg).c(257).mul().set(G).byte(p, tb).c(257).mul().set(B);
  a.else();
  a.get(ad).load16(2).set(R).get(ad).load16(4).set(G).get(ad).load16(6).set(B);
  a.get(p).if(); // p == 0 (transparent black) keeps the line as it is
  a.c(65535).get(A).c(257).mul().sub().set(inv);
  a.byte(p, tr).c(257).mul().set(s).get(R).blendc(s, inv).set(R);
  a.byte(p, tg).c(257).mul().set(s).get(G).blendc(s, inv).set(G);
  a.byte(p, tb).c(257).mul().set(s).get(B).blendc(s, inv).set(B);
  a.end();
  a.end();
  a.get(ad).get(R).c(16).shl().c(0xffff).or().store(0);
  a.get(ad).get(G).get(B).c(16).shl().or().store(4);
  a.get(flags).c(BL_WB).and().if();
  a.addr(wb, i, 2).xrgb8888(R, G, B).store(0);
  a.end();
  a.get(i).c(1).add().set(i).br(0);
  a.end().end();
  return a;
}

/** blend2(q, t, n, out, wb, qr, qg, qb, tr, tg, tb, ta, flags): opaque 8888 q under translucent t. */
function blend2(): Asm {
  const [q, t, n, out, wb, qr, qg, qb, tr, tg, tb, ta, flags] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [i, p, pq, A, inv, R, G, B, s] = [13, 14, 15, 16, 17, 18, 19, 20, 21];
  const a = new Asm(13, 9);
  a.c(0).set(i).block().loop();
  a.get(i).get(n).geu().brIf(1);
  a.addr(t, i, 2).load().set(p);
  a.byte(p, ta).set(A);
  a.get(A).c(255).eq().if();
  a.byte(p, tr).c(257).mul().set(R).byte(p, tg).c(257).mul().set(G).byte(p, tb).c(257).mul().set(B);
  a.else();
  a.addr(q, i, 2).load().set(pq);
  a.byte(pq, qr).c(257).mul().set(R).byte(pq, qg).c(257).mul().set(G).byte(pq, qb).c(257).mul().set(B);
  a.get(p).if();
  a.c(65535).get(A).c(257).mul().sub().set(inv);
  a.byte(p, tr).c(257).mul().set(s).get(R).blendc(s, inv).set(R);
  a.byte(p, tg).c(257).mul().set(s).get(G).blendc(s, inv).set(G);
  a.byte(p, tb).c(257).mul().set(s).get(B).blendc(s, inv).set(B);
  a.end();
  a.end();
  a.get(flags).c(BL_LINE).and().if();
  a.addr(out, i, 3).get(R).c(16).shl().c(0xffff).or().store(0);
  a.addr(out, i, 3).get(G).get(B).c(16).shl().or().store(4);
  a.end();
  a.get(flags).c(BL_WB).and().if();
  a.addr(wb, i, 2).xrgb8888(R, G, B).store(0);
  a.end();
  a.get(i).c(1).add().set(i).br(0);
  a.end().end();
  return a;
}

/** line2xrgb(out, n, wb): ARGB16161616 line → XRGB8888 words (alpha byte 0xff). */
function line2xrgb(): Asm {
  const [out, n, wb, i, w0, w1] = [0, 1, 2, 3, 4, 5];
  const a = new Asm(3, 3);
  a.c(0).set(i).block().loop();
  a.get(i).get(n).geu().brIf(1);
  a.addr(out, i, 3).load(0).set(w0).addr(out, i, 3).load(4).set(w1);
  a.addr(wb, i, 2);
  a.get(w0).c(16).shru().div257().c(16).shl();
  a.get(w1).c(0xffff).and().div257().c(8).shl().or();
  a.get(w1).c(16).shru().div257().or().c(0xff000000 | 0).or().store(0);
  a.get(i).c(1).add().set(i).br(0);
  a.end().end();
  return a;
}

/** xrgb2line(wb, n, out): XRGB8888 words → line (byte·257), for 8-bit values needed in 16 bits. */
function xrgb2line(): Asm {
  const [wb, n, out, i, p] = [0, 1, 2, 3, 4];
  const a = new Asm(3, 2);
  a.c(0).set(i).block().loop();
  a.get(i).get(n).geu().brIf(1);
  a.addr(wb, i, 2).load().set(p);
  a.addr(out, i, 3).get(p).c(16).shru().c(255).and().c(257).mul().c(16).shl().c(0xffff).or().store(0);
  a.addr(out, i, 3).get(p).c(8).shru().c(255).and().c(257).mul().get(p).c(255).and().c(257).mul().c(16).shl().or().store(4);
  a.get(i).c(1).add().set(i).br(0);
  a.end().end();
  return a;
}

// --- SIMD versions (4 pixels per turn; the scalar kernels finish the last n % 4) -------------------

const DEINT0 = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const DEINT1 = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];
const INTER0 = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const INTER1 = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
const F_CVT = 0, F_BLEND1 = 1, F_BLEND2 = 2, F_LINE2XRGB = 3;

/**
 * cvt8888s(src, n, out, wb, rs, gs, bs, as, flags, masks): cvt8888 with byte shuffles. `masks`
 * points to 64 bytes: swizzle indices for the line bytes of pixels 0-1 and 2-3, an OR mask for
 * the line (0xff in the alpha bytes of formats without alpha), swizzle indices for the writeback.
 */
function cvt8888s(): Asm {
  const [src, n, out, wb, rs, gs, bs, as, flags, masks, i, n4] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [mLo, mHi, mOr, mWb, ff, v] = [12, 13, 14, 15, 16, 17];
  const a = new Asm(10, 2, 6);
  a.get(masks).vload(0).set(mLo).get(masks).vload(16).set(mHi).get(masks).vload(32).set(mOr).get(masks).vload(48).set(mWb);
  a.splat(0xff000000 | 0).set(ff);
  a.get(n).c(-4).and().set(n4).c(0).set(i);
  a.block().loop();
  a.get(i).get(n4).geu().brIf(1);
  a.addr(src, i, 2).vload().set(v);
  a.get(flags).c(CVT_NO_LINE).and().eqz().if();
  a.addr(out, i, 3).get(v).get(mLo).swizzle().get(mOr).vor().vstore(0);
  a.addr(out, i, 3).get(v).get(mHi).swizzle().get(mOr).vor().vstore(16);
  a.end();
  a.get(flags).c(CVT_WB).and().if();
  a.addr(wb, i, 2).get(v).get(mWb).swizzle().get(ff).vor().vstore(0);
  a.end();
  a.get(i).c(4).add().set(i).br(0);
  a.end().end();
  a.get(n4).get(n).geu().eqz().if();
  a.addr(src, n4, 2).get(n).get(n4).sub().addr(out, n4, 3).addr(wb, n4, 2).get(rs).get(gs).get(bs).get(as).get(flags).call(F_CVT);
  a.end();
  return a;
}

/** Constants every SIMD blend uses, in v128 locals from `base` on. */
const K255 = 0, K257 = 1, K65535 = 2, K32767 = 3, K128 = 4, K65281 = 5, KFF = 6, K1 = 7;
function constants(a: Asm, base: number): void {
  const vals = [255, 257, 65535, 32767, 128, 65281, 0xff000000 | 0, 1];
  vals.forEach((v, k) => a.splat(v).set(base + k));
}

/**
 * The blend of one channel for 4 pixels: stack [s8 (source byte), o (16-bit dst)] → q.
 * t = s8·257·65535 + o·inv + 32767 (mod 2^32), q = floor(t / 65535) & 0xffff, the division done
 * as h + ((x + 1 + (x >> 16)) >> 16) with h = t >> 16, x = h + (t & 0xffff): exact for every u32.
 */
function vblend(a: Asm, k: number, inv: number, t: number, x: number): void {
  a.get(inv).vmul(); // o·inv
  a.set(t); // park it
  a.get(k + K257).vmul().get(k + K65535).vmul().get(t).vadd().get(k + K32767).vadd().set(t); // s·65535 + o·inv + 32767
  a.get(t).c(16).vshru().get(t).get(k + K65535).vand().vadd().set(x);
  a.get(t).c(16).vshru();
  a.get(x).get(k + K1).vadd().get(x).c(16).vshru().vadd().c(16).vshru();
  a.vadd().get(k + K65535).vand();
}

/** DIV_ROUND_CLOSEST(q, 257) of 4 lanes on the stack. */
function vdiv257(a: Asm, k: number): void {
  a.get(k + K128).vadd().get(k + K65281).vmul().c(24).vshru();
}

/** Stack: qR qG qB locals → store the line (2 vectors) at out + 8i. */
function vstoreLine(a: Asm, k: number, out: number, i: number, qR: number, qG: number, qB: number, x0: number, x1: number): void {
  a.get(qR).c(16).vshl().get(k + K65535).vor().set(x0);
  a.get(qG).get(qB).c(16).vshl().vor().set(x1);
  a.addr(out, i, 3).get(x0).get(x1).shuffle(INTER0).vstore(0);
  a.addr(out, i, 3).get(x0).get(x1).shuffle(INTER1).vstore(16);
}

function vstoreWb(a: Asm, k: number, wb: number, i: number, qR: number, qG: number, qB: number): void {
  a.addr(wb, i, 2);
  a.get(qR); vdiv257(a, k); a.c(16).vshl();
  a.get(qG); vdiv257(a, k); a.c(8).vshl().vor();
  a.get(qB); vdiv257(a, k); a.vor().get(k + KFF).vor().vstore(0);
}

/** blend1s(t, n, out, wb, tr, tg, tb, ta, flags): blend1 four pixels at a time. */
function blend1s(): Asm {
  const [t, n, out, wb, tr, tg, tb, ta, flags, i, n4] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const k = 11;
  const [p, inv, w0, w1, qR, qG, qB, tt, x] = [19, 20, 21, 22, 23, 24, 25, 26, 27];
  const a = new Asm(9, 2, 17);
  constants(a, k);
  a.get(n).c(-4).and().set(n4).c(0).set(i);
  a.block().loop();
  a.get(i).get(n4).geu().brIf(1);
  a.addr(t, i, 2).vload().set(p);
  a.get(k + K65535).get(p).get(ta).vshru().get(k + K255).vand().get(k + K257).vmul().vsub().set(inv);
  a.addr(out, i, 3).vload(0).addr(out, i, 3).vload(16).shuffle(DEINT0).set(w0);
  a.addr(out, i, 3).vload(0).addr(out, i, 3).vload(16).shuffle(DEINT1).set(w1);
  a.get(p).get(tr).vshru().get(k + K255).vand().get(w0).c(16).vshru(); vblend(a, k, inv, tt, x); a.set(qR);
  a.get(p).get(tg).vshru().get(k + K255).vand().get(w1).get(k + K65535).vand(); vblend(a, k, inv, tt, x); a.set(qG);
  a.get(p).get(tb).vshru().get(k + K255).vand().get(w1).c(16).vshru(); vblend(a, k, inv, tt, x); a.set(qB);
  vstoreLine(a, k, out, i, qR, qG, qB, w0, w1);
  a.get(flags).c(BL_WB).and().if();
  vstoreWb(a, k, wb, i, qR, qG, qB);
  a.end();
  a.get(i).c(4).add().set(i).br(0);
  a.end().end();
  a.get(n4).get(n).geu().eqz().if();
  a.addr(t, n4, 2).get(n).get(n4).sub().addr(out, n4, 3).addr(wb, n4, 2).get(tr).get(tg).get(tb).get(ta).get(flags).call(F_BLEND1);
  a.end();
  return a;
}

/** blend2s(q, t, n, out, wb, qr, qg, qb, tr, tg, tb, ta, flags): blend2 four pixels at a time. */
function blend2s(): Asm {
  const [q, t, n, out, wb, qr, qg, qb, tr, tg, tb, ta, flags, i, n4] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const k = 15;
  const [p, pq, inv, qR, qG, qB, tt, x, x0, x1] = [23, 24, 25, 26, 27, 28, 29, 30, 31, 32];
  const a = new Asm(13, 2, 18);
  constants(a, k);
  a.get(n).c(-4).and().set(n4).c(0).set(i);
  a.block().loop();
  a.get(i).get(n4).geu().brIf(1);
  a.addr(t, i, 2).vload().set(p);
  a.addr(q, i, 2).vload().set(pq);
  a.get(k + K65535).get(p).get(ta).vshru().get(k + K255).vand().get(k + K257).vmul().vsub().set(inv);
  a.get(p).get(tr).vshru().get(k + K255).vand().get(pq).get(qr).vshru().get(k + K255).vand().get(k + K257).vmul();
  vblend(a, k, inv, tt, x); a.set(qR);
  a.get(p).get(tg).vshru().get(k + K255).vand().get(pq).get(qg).vshru().get(k + K255).vand().get(k + K257).vmul();
  vblend(a, k, inv, tt, x); a.set(qG);
  a.get(p).get(tb).vshru().get(k + K255).vand().get(pq).get(qb).vshru().get(k + K255).vand().get(k + K257).vmul();
  vblend(a, k, inv, tt, x); a.set(qB);
  a.get(flags).c(BL_LINE).and().if();
  vstoreLine(a, k, out, i, qR, qG, qB, x0, x1);
  a.end();
  a.get(flags).c(BL_WB).and().if();
  vstoreWb(a, k, wb, i, qR, qG, qB);
  a.end();
  a.get(i).c(4).add().set(i).br(0);
  a.end().end();
  a.get(n4).get(n).geu().eqz().if();
  a.addr(q, n4, 2).addr(t, n4, 2).get(n).get(n4).sub().addr(out, n4, 3).addr(wb, n4, 2);
  a.get(qr).get(qg).get(qb).get(tr).get(tg).get(tb).get(ta).get(flags).call(F_BLEND2);
  a.end();
  return a;
}

/** line2xrgbs(out, n, wb): line2xrgb four pixels at a time. */
function line2xrgbs(): Asm {
  const [out, n, wb, i, n4] = [0, 1, 2, 3, 4];
  const k = 5;
  const [w0, w1, r, g, b] = [13, 14, 15, 16, 17];
  const a = new Asm(3, 2, 13);
  constants(a, k);
  a.get(n).c(-4).and().set(n4).c(0).set(i);
  a.block().loop();
  a.get(i).get(n4).geu().brIf(1);
  a.addr(out, i, 3).vload(0).addr(out, i, 3).vload(16).shuffle(DEINT0).set(w0);
  a.addr(out, i, 3).vload(0).addr(out, i, 3).vload(16).shuffle(DEINT1).set(w1);
  a.get(w0).c(16).vshru().set(r);
  a.get(w1).get(k + K65535).vand().set(g);
  a.get(w1).c(16).vshru().set(b);
  vstoreWb(a, k, wb, i, r, g, b);
  a.get(i).c(4).add().set(i).br(0);
  a.end().end();
  a.get(n4).get(n).geu().eqz().if();
  a.addr(out, n4, 3).get(n).get(n4).sub().addr(wb, n4, 2).call(F_LINE2XRGB);
  a.end();
  return a;
}

/**
 * blend2h(q, t, n, out, wb, qr, qg, qb, tr, tg, tb, ta, flags, masks): blend2 in 16-bit lanes.
 * With 8-bit inputs the blend sum is 66049·X, X = 255·C + (255 − A)·O (see BLEND8): for
 * premultiplied pixels (C ≤ A) X ≤ 65025 fits a u16 lane, and
 *   writeback byte = floor((X + 127) / 255) = (y + 1 + (y >> 8)) >> 8 with y = X + 127,
 *   16-bit value   = X + floor((2X + 127) / 255) = X + 2m + [r ≥ 127], z = X + 63 = 255m + r,
 * all checked exhaustively in the tests. Groups of 4 pixels with some C > A (the u32-wrap region)
 * go through the scalar kernel. `masks` + 0: swizzle putting q into B, G, R, 0 byte order;
 * + 16: swizzle putting t into B, G, R, A order.
 */
function blend2h(): Asm {
  const [q, t, n, out, wb, qr, qg, qb, tr, tg, tb, ta, flags, masks, i, n4] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const [sq, st, tv, qv, aB, c255, c127, c63, c1, ffx, x, z, m, w8lo, w8hi] =
    [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];
  const a = new Asm(14, 2, 15);
  a.get(masks).vload(0).set(sq).get(masks).vload(16).set(st);
  a.h8splat(255).set(c255).h8splat(127).set(c127).h8splat(63).set(c63).h8splat(1).set(c1);
  a.splat(0xff000000 | 0).set(ffx);
  a.get(n).c(-4).and().set(n4).c(0).set(i);
  a.block().loop();
  a.get(i).get(n4).geu().brIf(1);
  a.addr(t, i, 2).vload().get(st).swizzle().set(tv);
  a.addr(q, i, 2).vload().get(sq).swizzle().set(qv);
  a.get(tv).get(tv).shuffle([3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15]).set(aB);
  a.get(tv).get(aB).b16gtu().anyTrue().if();
  // a channel above its alpha: the exact scalar kernel for these 4 pixels
  a.addr(q, i, 2).addr(t, i, 2).c(4).addr(out, i, 3).addr(wb, i, 2);
  a.get(qr).get(qg).get(qb).get(tr).get(tg).get(tb).get(ta).get(flags).call(F_BLEND2);
  a.else();
  for (const half of [0, 1]) {
    const ext = (v: number): void => { a.get(v); if (half === 0) a.h8extLoU(); else a.h8extHiU(); };
    // X = T·255 + Q·(255 − A)
    ext(tv); a.get(c255).h8mul();
    ext(qv); a.get(c255); ext(aB); a.h8sub().h8mul().h8add().set(x);
    // writeback byte
    a.get(x).get(c127).h8add().tee(z).get(c1).h8add().get(z).c(8).h8shru().h8add().c(8).h8shru();
    a.set(half === 0 ? w8lo : w8hi);
    a.get(flags).c(BL_LINE).and().if();
    // 16-bit value: X + 2m + [r ≥ 127], z = X + 63, m = floor(z / 255), r = z − 255m
    a.get(x).get(c63).h8add().set(z);
    a.get(z).get(c1).h8add().get(z).c(8).h8shru().h8add().c(8).h8shru().set(m);
    a.get(x).get(m).get(m).h8add().h8add();
    a.get(z).get(m).get(c255).h8mul().h8sub().get(c127).get(c1).h8sub().h8gtu().get(c1).vand().h8add();
    // lanes B0 G0 R0 A0 B1 G1 R1 A1 → A R G B per pixel, A = 0xffff
    a.set(z);
    a.addr(out, i, 3).get(z).get(z).shuffle([6, 7, 4, 5, 2, 3, 0, 1, 14, 15, 12, 13, 10, 11, 8, 9]);
    a.v128const([0xff, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0]).vor().vstore(half * 16);
    a.end();
  }
  a.get(flags).c(BL_WB).and().if();
  a.addr(wb, i, 2).get(w8lo).get(w8hi).narrowU().get(ffx).vor().vstore(0);
  a.end();
  a.end(); // if any C > A
  a.get(i).c(4).add().set(i).br(0);
  a.end().end();
  a.get(n4).get(n).geu().eqz().if();
  a.addr(q, n4, 2).addr(t, n4, 2).get(n).get(n4).sub().addr(out, n4, 3).addr(wb, n4, 2);
  a.get(qr).get(qg).get(qb).get(tr).get(tg).get(tb).get(ta).get(flags).call(F_BLEND2);
  a.end();
  return a;
}

/** The 32 swizzle bytes of blend2h: q (opaque, bytes r/g/b at qr..) and t (r/g/b/a) → B, G, R, A order. */
export function blend2hMasks(qr: number, qg: number, qb: number, tr: number, tg: number, tb: number, ta: number,
  m: Uint8Array = new Uint8Array(32)): Uint8Array {
  for (let px = 0; px < 4; px++) {
    m[px * 4] = px * 4 + qb; m[px * 4 + 1] = px * 4 + qg; m[px * 4 + 2] = px * 4 + qr; m[px * 4 + 3] = 0x80;
    m[16 + px * 4] = px * 4 + tb; m[16 + px * 4 + 1] = px * 4 + tg; m[16 + px * 4 + 2] = px * 4 + tr; m[16 + px * 4 + 3] = px * 4 + ta;
  }
  return m;
}

/** The 64 mask bytes of cvt8888s for an 8888 format with bytes a/r/g/b at ao/ro/go/bo (ao −1: none). */
export function cvtMasks(ao: number, ro: number, go: number, bo: number): Uint8Array {
  const m = new Uint8Array(64);
  for (let half = 0; half < 2; half++) {
    for (let j = 0; j < 2; j++) {
      const px = half * 2 + j;
      const base = half * 16 + j * 8;
      const src = [ao, ro, go, bo];
      for (let c = 0; c < 4; c++) {
        const idx = src[c]! < 0 ? 0x80 : px * 4 + src[c]!;
        m[base + c * 2] = idx;
        m[base + c * 2 + 1] = idx;
        if (c === 0 && ao < 0) { m[32 + j * 8] = 0xff; m[32 + j * 8 + 1] = 0xff; }
      }
    }
  }
  for (let px = 0; px < 4; px++) {
    m[48 + px * 4] = px * 4 + bo;
    m[48 + px * 4 + 1] = px * 4 + go;
    m[48 + px * 4 + 2] = px * 4 + ro;
    m[48 + px * 4 + 3] = 0x80;
  }
  return m;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmMemory { readonly buffer: ArrayBufferLike }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export interface WasmKernels {
  readonly memory: WasmMemory;
  cvt8888(src: number, n: number, out: number, wb: number, rs: number, gs: number, bs: number, as: number, flags: number): void;
  blend1(t: number, n: number, out: number, wb: number, tr: number, tg: number, tb: number, ta: number, flags: number): void;
  blend2(q: number, t: number, n: number, out: number, wb: number, qr: number, qg: number, qb: number,
    tr: number, tg: number, tb: number, ta: number, flags: number): void;
  line2xrgb(out: number, n: number, wb: number): void;
  xrgb2line(wb: number, n: number, out: number): void;
  /** SIMD variants (present when the engine has WebAssembly SIMD). */
  readonly simd: boolean;
  cvt8888s(src: number, n: number, out: number, wb: number, rs: number, gs: number, bs: number, as: number, flags: number, masks: number): void;
  blend1s(t: number, n: number, out: number, wb: number, tr: number, tg: number, tb: number, ta: number, flags: number): void;
  blend2s(q: number, t: number, n: number, out: number, wb: number, qr: number, qg: number, qb: number,
    tr: number, tg: number, tb: number, ta: number, flags: number): void;
  line2xrgbs(out: number, n: number, wb: number): void;
  blend2h(q: number, t: number, n: number, out: number, wb: number, qr: number, qg: number, qb: number,
    tr: number, tg: number, tb: number, ta: number, flags: number, masks: number): void;
}


const SCALAR = (): { name: string; asm: Asm }[] => [
  { name: 'cvt8888', asm: cvt8888() }, { name: 'blend1', asm: blend1() }, { name: 'blend2', asm: blend2() },
  { name: 'line2xrgb', asm: line2xrgb() }, { name: 'xrgb2line', asm: xrgb2line() },
];

/** The module bytes (with the SIMD kernels when `simd`), for tests and inspection. */
export function kernelModuleBytes(simd: boolean, sharedMemory = false): Uint8Array {
  return moduleBytes(simd ? [...SCALAR(), { name: 'cvt8888s', asm: cvt8888s() }, { name: 'blend1s', asm: blend1s() },
    { name: 'blend2s', asm: blend2s() }, { name: 'line2xrgbs', asm: line2xrgbs() }, { name: 'blend2h', asm: blend2h() }] : SCALAR(),
  sharedMemory);
}

const compiledFor: { module: object | null; simd: boolean }[] = [];

function compile(sharedMemory: boolean): { module: object | null; simd: boolean } {
  const k = sharedMemory ? 1 : 0;
  let c = compiledFor[k];
  if (c !== undefined) return c;
  c = { module: null, simd: false };
  if (WA !== undefined) {
    try {
      c = { module: new WA.Module(kernelModuleBytes(true, sharedMemory)), simd: true };
    } catch {
      try { c = { module: new WA.Module(kernelModuleBytes(false, sharedMemory)), simd: false }; } catch { /* no WebAssembly kernels */ }
    }
  }
  compiledFor[k] = c;
  return c;
}

/** A fresh kernel instance with its own memory of `pages` × 64 KiB, or null without WebAssembly. */
export function instantiateKernels(pages: number): WasmKernels | null {
  if (WA === undefined) return null;
  const c = compile(false);
  if (c.module === null) return null;
  return wrap(c, new WA.Memory({ initial: pages }));
}

/** A kernel instance working in a shared WebAssembly memory (a pixel heap's), or null. */
export function instantiateKernelsOn(memory: { readonly buffer: ArrayBufferLike }): WasmKernels | null {
  const c = compile(true);
  if (c.module === null) return null;
  return wrap(c, memory as WasmMemory);
}

function wrap(c: { module: object | null; simd: boolean }, memory: WasmMemory): WasmKernels {
  const inst = new WA!.Instance(c.module!, { env: { mem: memory } });
  const e = inst.exports as unknown as Omit<WasmKernels, 'memory' | 'simd'>;
  const simd = c.simd && simdEnabled;
  return {
    memory, simd, cvt8888: e.cvt8888, blend1: e.blend1, blend2: e.blend2, line2xrgb: e.line2xrgb, xrgb2line: e.xrgb2line,
    cvt8888s: simd ? e.cvt8888s : noSimd, blend1s: simd ? e.blend1s : noSimd, blend2s: simd ? e.blend2s : noSimd,
    line2xrgbs: simd ? e.line2xrgbs : noSimd, blend2h: simd ? e.blend2h : noSimd,
  };
}

let simdEnabled = true;
/** Turn the SIMD kernels off (tests compare both). */
export function setSimdEnabled(on: boolean): void {
  simdEnabled = on;
}

function noSimd(): never {
  throw new Error('compose: WebAssembly SIMD is not available');
}
