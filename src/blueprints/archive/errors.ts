/**
 * An archive that cannot be accepted: malformed, unsupported, unsafe (path traversal, links that
 * leave the archive) or over a limit (entry count, total size, compression ratio). The REST layer
 * answers it with 400 `invalid_blueprint_error` (or the plugin equivalent); nothing is stored.
 */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}
