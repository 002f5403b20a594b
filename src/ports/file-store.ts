/**
 * Port for the manager's file storage (S3 in AWS, fauxqs's S3 locally): blueprint archives and
 * their extracted resources, plugin packages, staged uploads and large plans. Keys are plain
 * '/'-separated strings chosen by the core; the store never interprets them.
 */

export interface PutOptions {
  contentType?: string;
  /** Small string metadata kept with the object (S3 user metadata). */
  metadata?: Record<string, string>;
}

export interface StoredObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  metadata?: Record<string, string>;
  /** ISO timestamp. */
  lastModified?: string;
}

export interface PresignOptions {
  /** How long the URL stays valid. */
  expiresInSeconds: number;
  /** Download: the file name the browser/client saves the object as. */
  downloadFileName?: string;
  /** Upload: the Content-Type the uploader must send. */
  contentType?: string;
}

export interface FileStore {
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** The whole object, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  /** The object as a byte stream (for large objects), or undefined when there is no such key. */
  stream(key: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Size and metadata without the body, or undefined when there is no such key. */
  head(key: string): Promise<StoredObjectInfo | undefined>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix`; returns how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<StoredObjectInfo[]>;
  /** A URL that downloads the object without credentials until it expires. */
  presignedGetUrl(key: string, options: PresignOptions): Promise<string>;
  /** A URL that accepts one `PUT` of the object's bytes without credentials until it expires. */
  presignedPutUrl(key: string, options: PresignOptions): Promise<string>;
}
