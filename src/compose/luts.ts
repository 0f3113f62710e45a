/**
 * The 1D curves of the VKMS colour pipeline (drivers/gpu/drm/vkms/vkms_luts.c): 256-entry tables,
 * identical in r, g and b, with channel_value2index_ratio 0xff00ff. These are data, not formulas:
 * VKMS generated them offline (hwentland/lutgen), so the values are carried verbatim.
 */

const hex = (s: string): Uint16Array => Uint16Array.from(s.trim().split(/[\s,]+/).map((v) => parseInt(v, 16)));

/** srgb_eotf: sRGB-encoded → linear. */
export const SRGB_EOTF_LUT: Uint16Array = hex(`
0 13 27 3b 4f 63 77 8b 9f b3 c6 db f0 107 11f 139
153 16f 18c 1aa 1ca 1eb 20d 231 256 27d 2a4 2ce 2f9 325 352 381
3b2 3e4 418 44d 484 4bc 4f6 531 56e 5ad 5ed 62f 672 6b7 6fe 746
791 7dc 82a 879 8ca 91d 971 9c7 a1f a79 ad4 b32 b91 bf2 c54 cb9
d1f d88 df2 e5e ecc f3c fad 1021 1096 110e 1187 1203 1280 12ff 1380 1404
1489 1510 1599 1624 16b2 1741 17d2 1865 18fb 1992 1a2c 1ac8 1b65 1c05 1ca7 1d4b
1df1 1e99 1f44 1ff0 209f 2150 2203 22b8 2370 2429 24e5 25a3 2663 2726 27ea 28b1
297a 2a45 2b13 2be3 2cb5 2d89 2e60 2f39 3014 30f2 31d2 32b4 3398 347f 3569 3654
3742 3832 3925 3a1a 3b11 3c0b 3d07 3e05 3f06 400a 410f 4218 4322 442f 453f 4650
4765 487c 4995 4ab1 4bcf 4cf0 4e13 4f39 5061 518b 52b9 53e8 551b 5650 5787 58c1
59fd 5b3c 5c7e 5dc2 5f09 6052 619e 62ec 643d 6591 66e7 6840 699b 6afa 6c5a 6dbe
6f24 708c 71f8 7366 74d6 764a 77c0 7938 7ab4 7c32 7db3 7f36 80bc 8245 83d1 855f
86f0 8884 8a1a 8bb4 8d50 8eee 9090 9234 93db 9585 9732 98e1 9a93 9c48 9e00 9fbb
a178 a338 a4fb a6c1 a88a aa56 ac24 adf5 afc9 b1a0 b37a b557 b736 b919 bafe bce6
bed2 c0c0 c2b0 c4a4 c69b c895 ca91 cc91 ce93 d098 d2a1 d4ac d6ba d8cb dadf dcf7
df11 e12e e34e e571 e796 e9bf ebeb ee1a f04c f281 f4b9 f6f4 f932 fb73 fdb7 ffff
`);

/** srgb_inv_eotf: linear → sRGB-encoded. */
export const SRGB_INV_EOTF_LUT: Uint16Array = hex(`
0 cc2 15be 1c56 21bd 2666 2a8a 2e4c 31c0 34f6 37f9 3acf 3d80 4010 4284 44dd
4720 494e 4b69 4d73 4f6e 5159 5337 5509 56cf 588a 5a3b 5be2 5d80 5f16 60a4 6229
63a8 6520 6691 67fc 6961 6ac0 6c19 6d6e 6ebd 7008 714d 728f 73cc 7504 7639 776a
7897 79c1 7ae7 7c09 7d28 7e44 7f5d 8073 8186 8296 83a4 84ae 85b6 86bc 87bf 88bf
89be 8ab9 8bb3 8cab 8da0 8e93 8f84 9073 9161 924c 9335 941d 9503 95e7 96c9 97aa
9889 9966 9a42 9b1c 9bf5 9ccc 9da1 9e76 9f49 a01a a0ea a1b9 a286 a352 a41d a4e7
a5af a676 a73c a801 a8c5 a987 aa48 ab09 abc8 ac86 ad43 adff aeba af74 b02d b0e5
b19c b252 b307 b3bb b46f b521 b5d3 b683 b733 b7e2 b890 b93d b9ea ba96 bb40 bbea
bc94 bd3c bde4 be8b bf31 bfd7 c07b c120 c1c3 c266 c308 c3a9 c449 c4e9 c589 c627
c6c5 c763 c7ff c89b c937 c9d2 ca6c cb06 cb9f cc37 cccf cd66 cdfd ce93 cf29 cfbe
d053 d0e7 d17a d20d d2a0 d331 d3c3 d454 d4e4 d574 d603 d692 d720 d7ae d83c d8c9
d955 d9e1 da6d daf8 db83 dc0d dc97 dd20 dda9 de31 deb9 df41 dfc8 e04f e0d5 e15b
e1e0 e266 e2ea e36f e3f3 e476 e4f9 e57c e5fe e680 e702 e783 e804 e884 e905 e984
ea04 ea83 eb02 eb80 ebfe ec7b ecf9 ed76 edf2 ee6f eeeb ef66 efe2 f05d f0d7 f152
f1cc f245 f2bf f338 f3b0 f429 f4a1 f519 f590 f608 f67e f6f5 f76b f7e1 f857 f8cd
f942 f9b7 fa2b faa0 fb14 fb88 fbfb fc6e fce1 fd54 fdc6 fe39 feaa ff1c ff8d ffff
`);

/** channel_value2index_ratio of both curves (= floor(255·2^32 / 0xffff)). */
export const CURVE_INDEX_RATIO = 0xff00ff;
