/** The project root (where package.json, package-lock.json and lambdas/ live), wherever the app runs from. */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
