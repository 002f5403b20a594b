/**
 * `multipart/form-data` bodies (Cloudify's client uploads blueprints this way) parsed with busboy
 * from the bytes API Gateway delivered. Malformed bodies, too many parts and parts over the size
 * limit raise MultipartError; the caller decides which REST error that is.
 */
import { Readable } from 'node:stream';
import busboy from 'busboy';

export interface MultipartPart {
  name: string;
  data: Buffer;
  /** Present for file parts. */
  filename?: string;
  contentType: string;
}

export interface MultipartLimits {
  maxParts: number;
  /** Per part. */
  maxPartBytes: number;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

export function isMultipart(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'multipart/form-data';
}

export function parseMultipart(body: Buffer, contentType: string, limits: MultipartLimits): Promise<MultipartPart[]> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { parts: limits.maxParts, fields: limits.maxParts, files: limits.maxParts, fieldSize: limits.maxPartBytes, fileSize: limits.maxPartBytes },
    });
  } catch (err) {
    return Promise.reject(new MultipartError(`Malformed multipart request: ${(err as Error).message}`));
  }
  return new Promise((resolve, reject) => {
    const parts: MultipartPart[] = [];
    const pending: Promise<void>[] = [];
    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      reject(new MultipartError(message));
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(`Multipart part "${name}" is larger than ${limits.maxPartBytes} bytes`);
      parts.push({ name, data: Buffer.from(value, 'utf8'), contentType: info.mimeType });
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(`Multipart part "${name}" is larger than ${limits.maxPartBytes} bytes`));
      pending.push(
        new Promise<void>((done) => {
          // A form that ends inside a file part fails the part's stream too.
          stream.on('error', (err: Error) => {
            fail(`Malformed multipart request: ${err.message}`);
            done();
          });
          stream.on('close', () => {
            parts.push({ name, data: Buffer.concat(chunks), filename: info.filename ?? '', contentType: info.mimeType });
            done();
          });
        }),
      );
    });
    parser.on('partsLimit', () => fail(`Multipart request has more than ${limits.maxParts} parts`));
    parser.on('filesLimit', () => fail(`Multipart request has more than ${limits.maxParts} parts`));
    parser.on('fieldsLimit', () => fail(`Multipart request has more than ${limits.maxParts} parts`));
    parser.on('error', (err: Error) => fail(`Malformed multipart request: ${err.message}`));
    parser.on('close', () => {
      void Promise.all(pending).then(() => {
        if (!failed) resolve(parts);
      });
    });
    Readable.from([body]).pipe(parser);
  });
}
