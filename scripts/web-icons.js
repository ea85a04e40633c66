#!/usr/bin/env node
// Draws the web app's icons (apps/web/public/icons): a white heart on Kindred's blue, as PNG files
// a phone's home screen and Chromium's install check accept. Run it again after changing the
// drawing: `node scripts/web-icons.js`. No image library: a PNG is a zlib stream of RGBA rows.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { deflateSync } = require('node:zlib');

const BLUE = [0x1d, 0x4f, 0x91];
const WHITE = [0xff, 0xff, 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Inside the heart (x, y in -1.5..1.5, y up): (x² + y² − 1)³ − x²y³ ≤ 0. */
const inHeart = (x, y) => (x * x + y * y - 1) ** 3 - x * x * y * y * y <= 0;

/**
 * A square icon `size` pixels wide; the heart fills `share` of it, centred. Each pixel samples
 * 4×4 points, so the edge is smooth at every size.
 */
function icon(size, share) {
  const rows = [];
  const samples = 4;
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          // The heart spans about 2.3 units across; scale so it takes `share` of the side.
          const x = ((px + (sx + 0.5) / samples) / size - 0.5) * (2.3 / share);
          const y = (0.5 - (py + (sy + 0.5) / samples) / size) * (2.3 / share) + 0.15;
          if (inHeart(x, y)) hits++;
        }
      const a = hits / (samples * samples);
      for (let c = 0; c < 3; c++) row[1 + px * 3 + c] = Math.round(BLUE[c] * (1 - a) + WHITE[c] * a);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = resolve(__dirname, '../apps/web/public/icons');
mkdirSync(out, { recursive: true });
// "any" icons: the heart large on a full blue square. Maskable: the heart within the central 60%,
// the safe zone every launcher's mask keeps.
writeFileSync(resolve(out, 'icon-192.png'), icon(192, 0.62));
writeFileSync(resolve(out, 'icon-512.png'), icon(512, 0.62));
writeFileSync(resolve(out, 'maskable-512.png'), icon(512, 0.5));
writeFileSync(resolve(out, 'apple-touch-icon.png'), icon(180, 0.6));
console.log(`icons written to ${out}`);
