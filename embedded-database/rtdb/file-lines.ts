import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface FileLine {
  text: string;
  /** Byte offsets of the line in the file (end excludes the newline). */
  start: number;
  end: number;
  /** False for a last line with no newline after it (a write cut short). */
  complete: boolean;
}

/**
 * Reads a file line by line without ever holding it whole, so its size is not bounded by the
 * longest string the runtime can build.
 */
export async function* readLines(file: string): AsyncGenerator<FileLine> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let offset = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const bytes = carry.length ? Buffer.concat([...carry, piece]) : piece;
      yield { text: bytes.toString('utf8'), start: offset, end: offset + bytes.length, complete: true };
      offset += bytes.length + 1;
      carry = [];
      carryBytes = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      carry.push(chunk.subarray(from));
      carryBytes += chunk.length - from;
    }
  }
  if (carryBytes > 0) {
    const bytes = Buffer.concat(carry);
    yield { text: bytes.toString('utf8'), start: offset, end: offset + bytes.length, complete: false };
  }
}

/** Makes a file's creation, rename or removal in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
