// Draws the Marketplace icon, images/icon.png (128×128 RGBA): a drop leaking from a rounded square. Run
// `node scripts/make-icon.mjs` after changing the drawing; the PNG is committed. Shapes are sampled 4×4 per pixel
// for smooth edges, and written with a minimal PNG encoder (one IDAT, no filtering).
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;

const BACKGROUND_TOP = [27, 43, 72];
const BACKGROUND_BOTTOM = [38, 64, 104];
const DROP = [79, 195, 247];
const HIGHLIGHT = [225, 245, 254];

/** Inside the rounded square that fills the icon. */
function inBackground(x, y) {
  const r = 26;
  const dx = Math.max(r - x, x - (SIZE - r), 0);
  const dy = Math.max(r - y, y - (SIZE - r), 0);
  return dx * dx + dy * dy <= r * r;
}

// the drop: a circle and the two tangents to it from the apex
const APEX = { x: 64, y: 18 };
const BULB = { x: 64, y: 80, r: 32 };
const distance = BULB.y - APEX.y;
const tangentY = BULB.y - (BULB.r * BULB.r) / distance;
const tangentHalfWidth = BULB.r * Math.sqrt(1 - (BULB.r / distance) ** 2);

function inDrop(x, y) {
  if ((x - BULB.x) ** 2 + (y - BULB.y) ** 2 <= BULB.r ** 2) return true;
  if (y < APEX.y || y > tangentY) return false;
  return Math.abs(x - APEX.x) <= (tangentHalfWidth * (y - APEX.y)) / (tangentY - APEX.y);
}

function inHighlight(x, y) {
  return ((x - 50) / 7) ** 2 + ((y - 84) / 12) ** 2 <= 1;
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** The colour at a sample point, or undefined outside the icon (transparent). */
function colourAt(x, y) {
  if (!inBackground(x, y)) return undefined;
  if (inHighlight(x, y)) return HIGHLIGHT;
  if (inDrop(x, y)) return DROP;
  return mix(BACKGROUND_TOP, BACKGROUND_BOTTOM, y / SIZE);
}

function pixels() {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 4);
    rows[row] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = colourAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          if (!c) continue;
          covered++;
          for (let i = 0; i < 3; i++) sum[i] += c[i];
        }
      }
      const at = row + 1 + x * 4;
      for (let i = 0; i < 3; i++) rows[at + i] = covered ? Math.round(sum[i] / covered) : 0;
      rows[at + 3] = Math.round((covered / SAMPLES ** 2) * 255);
    }
  }
  return rows;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bits per channel
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(pixels(), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../images/icon.png', import.meta.url), png);
