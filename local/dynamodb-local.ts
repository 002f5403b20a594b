/**
 * DynamoDB Local as a child Java process.
 *
 * Java is started under a tiny shell watchdog that holds a pipe from Node on its stdin: when Node
 * goes away for any reason (including SIGKILL) the pipe closes, the watchdog sees end-of-file and
 * stops Java. A normal stop closes the same pipe. So no Java process outlives the runtime.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { checkJava } from './java';
import { freePort } from './free-port';
import type { JarLocation } from './dynamodb-jar';

export interface DynamoDbLocalOptions {
  jar: JarLocation;
  /** Folder for the database file; omitted = in memory. */
  dbPath?: string;
  host?: string;
  /** 0 or omitted = a free port. */
  port?: number;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The Java process (not the watchdog shell). */
  javaPid: number;
  stop(): Promise<void>;
}

// Runs "$@" (the java command line) in the background, prints its pid, and stops it when stdin
// reaches end-of-file or the shell receives TERM/INT/HUP. fd 3 keeps Node's pipe for the reader,
// because a background job's stdin is otherwise /dev/null.
const WATCHDOG = `
exec 3<&0
"$@" </dev/null &
child=$!
echo "stratus-java-pid $child"
trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
( while read -r _ <&3; do :; done; kill -TERM $child 2>/dev/null ) &
watcher=$!
wait $child; status=$?
while kill -0 $child 2>/dev/null; do wait $child; status=$?; done
kill $watcher 2>/dev/null
exit $status
`;

function exitOf(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function waitUntilServing(endpoint: string, child: ChildProcessWithoutNullStreams, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited during startup (code ${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      // Any HTTP answer (even an error about the missing signature) means Java is serving.
      await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Extra JVM flags from STRATUS_DYNAMODB_JAVA_OPTS (whitespace-separated); none by default. Measured
 * on the engine bench (bench/RESULTS.md): C1 only (`-XX:TieredStopAtLevel=1`) halves DynamoDB Local's
 * CPU on runs under a minute (C2's compilations dominate there) but over the full bench (about four
 * minutes) it used about 13% more CPU than the defaults, so the JVM's defaults stay.
 */
export function javaOptions(env: Record<string, string | undefined> = process.env): string[] {
  return (env.STRATUS_DYNAMODB_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean);
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const java = await checkJava();
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await freePort(host));
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  // -sharedDb: one database whatever region and credentials the clients use.
  const args = [...javaOptions(), `-Djava.library.path=${options.jar.libDir}`, '-jar', options.jar.jar, '-port', String(port), ...storage, '-sharedDb'];
  const child = spawn('sh', ['-c', WATCHDOG, 'stratus-dynamodb-local', java, ...args], {
    cwd: options.jar.dir,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // The pipe must not keep Node alive, and an EPIPE after Java exits is not an error.
  child.stdin.on('error', () => {});
  const lines: string[] = [];
  let javaPid = 0;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const pid = /^stratus-java-pid (\d+)/.exec(line);
      if (pid) javaPid = Number(pid[1]);
      else if (line.trim()) {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        options.log?.(line);
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = exitOf(child);
  const endpoint = `http://${host}:${port}`;

  const stop = async () => {
    child.stdin.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      // Java ignored TERM for too long: end it and its watchdog.
      if (javaPid) {
        try {
          process.kill(javaPid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      child.kill('SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilServing(endpoint, child, options.startTimeoutMs ?? 30000, () => lines.join('\n'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, port, javaPid, stop };
}
