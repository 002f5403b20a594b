/**
 * Finding a Java runtime for DynamoDB Local, with an error that says how to install one.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `${detail}\n` +
        'The local runtime runs DynamoDB Local, which needs a Java runtime (11 or newer). Install one, e.g.\n' +
        '  Debian/Ubuntu:  sudo apt-get install -y default-jre-headless\n' +
        '  Fedora/RHEL:    sudo dnf install -y java-17-openjdk-headless\n' +
        '  macOS:          brew install openjdk\n' +
        'or set JAVA_HOME to an installed JRE, then start again.',
    );
    this.name = 'JavaMissingError';
  }
}

export function javaExecutable(env: Record<string, string | undefined> = process.env): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** `java -version` prints e.g. `openjdk version "17.0.15"` or `java version "1.8.0_392"`. */
export function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/** Resolves to the java executable to use, or rejects with JavaMissingError. */
export async function checkJava(java = javaExecutable()): Promise<string> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(java, ['-version'], { timeout: 15000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new JavaMissingError(`Java was not found (tried \`${java}\`).`));
      } else if (err) {
        reject(new JavaMissingError(`\`${java} -version\` failed: ${err.message}`));
      } else {
        resolve(`${stderr}${stdout}`);
      }
    });
  });
  const major = parseJavaMajorVersion(output);
  if (major !== undefined && major < 11) throw new JavaMissingError(`Java ${major} is too old (found \`${java}\`).`);
  return java;
}
