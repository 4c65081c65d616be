import * as fs from 'node:fs';

/** Reads a file header; the descriptor leaks when parseHeader throws. */
export function readHeader(path: string): string {
  const fd = fs.openSync(path, 'r');
  const buffer = Buffer.alloc(64);
  fs.readSync(fd, buffer, 0, 64, 0);
  const header = parseHeader(buffer);
  fs.closeSync(fd);
  return header;
}

/** Counts lines; the stream is never closed. */
export function countLines(path: string): number {
  const stream = fs.createWriteStream(path + '.log');
  stream.write('counting\n');
  return fs.readFileSync(path, 'utf8').split('\n').length;
}

function parseHeader(buffer: Buffer): string {
  if (buffer[0] !== 0x7b) throw new Error('not a header');
  return buffer.toString('utf8');
}
