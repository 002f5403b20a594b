import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import type { DslVersion } from './plan';

/**
 * Finds the plugin.yaml of a `plugin:<name>[?version=...]` import among the plugins the manager
 * knows (the REST layer implements it against uploaded plugins). `path` identifies the file (it
 * appears in errors and in the plan's imported_blueprints); null when no such plugin exists.
 */
export interface PluginResolver {
  resolve(name: string, versionSpec: string | null, dslVersion: DslVersion): Promise<{ path: string; yaml: string } | null>;
}

/** The files of a blueprint archive. Paths are relative to the archive root, '/'-separated. */
export interface BlueprintSource {
  /** The file's text, or undefined when there is no such file. */
  readFile(path: string): Promise<string | undefined>;
  /**
   * Whether a file exists (used to decide that an operation mapping is a script). Optional:
   * readFile is used when absent.
   */
  exists?(path: string): Promise<boolean>;
}

function isInside(root: string, candidate: string): boolean {
  const rel = nodePath.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !nodePath.isAbsolute(rel));
}

/**
 * A BlueprintSource over a directory (for the CLI and tests). Paths may not leave the directory,
 * neither by '..' nor through symbolic links.
 */
export function directorySource(rootDir: string): BlueprintSource {
  const root = nodePath.resolve(rootDir);
  let realRoot: Promise<string> | null = null;
  async function locate(path: string): Promise<string | undefined> {
    if (path.includes('\0') || nodePath.isAbsolute(path)) return undefined;
    const full = nodePath.resolve(root, ...path.split('/'));
    if (!isInside(root, full)) return undefined;
    try {
      realRoot ??= fs.realpath(root);
      const real = await fs.realpath(full);
      return isInside(await realRoot, real) ? real : undefined;
    } catch {
      return undefined;
    }
  }
  return {
    async readFile(path) {
      const full = await locate(path);
      if (!full) return undefined;
      try {
        const stat = await fs.stat(full);
        if (!stat.isFile()) return undefined;
        return await fs.readFile(full, 'utf8');
      } catch {
        return undefined;
      }
    },
    async exists(path) {
      const full = await locate(path);
      if (!full) return false;
      try {
        return (await fs.stat(full)).isFile();
      } catch {
        return false;
      }
    },
  };
}

/** A BlueprintSource over in-memory files (tests, uploads already unpacked in memory). */
export function memorySource(files: Record<string, string>): BlueprintSource {
  return {
    async readFile(path) {
      return Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
    },
    async exists(path) {
      return Object.prototype.hasOwnProperty.call(files, path);
    },
  };
}
