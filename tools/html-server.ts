/**
 * One Python process that renders every executed notebook of a run to HTML (tools/html_server.py):
 * the same renders as `jupyter nbconvert --to html`, without starting Python and nbconvert again
 * for each notebook. Requests are answered in order, one at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The interpreter on the #! line of the `jupyter` command on PATH: the Python that has nbconvert (another python3 on PATH may not). */
export function jupyterPython(path = process.env.PATH ?? ''): string {
  for (const dir of path.split(delimiter).filter((d) => d !== '')) {
    const cmd = join(dir, 'jupyter');
    try {
      accessSync(cmd, constants.X_OK);
    } catch {
      continue;
    }
    const m = /^#!\s*(\S+)/.exec(readFileSync(cmd, 'utf8').split('\n', 1)[0]);
    if (!m)
      throw new Error(
        `${cmd}: no #! line naming its Python; expected Debian's jupyter-core (run npm run setup)`,
      );
    return m[1];
  }
  throw new Error(
    'jupyter: not found on PATH; run npm run setup (Debian packages jupyter-nbconvert, python3-nbconvert)',
  );
}

export interface HtmlServer {
  /** Render `notebook` (an executed .ipynb) to `<dir>/<name>`, starting the Python process on first use. */
  render(notebook: string, dir: string, name: string): Promise<void>;
  /** Close its stdin and wait for it to exit (at once when it never started). */
  close(): Promise<void>;
}

/**
 * The renderer of a run; its log lines (nbconvert's "Converting …", "Writing …") go to stderr,
 * prefixed. `track` receives the process when it starts and when it has exited (the runner stops
 * it with its other children on a failure or a signal).
 */
export function htmlServer(
  root: string,
  env: NodeJS.ProcessEnv,
  track: (child: ChildProcess, running: boolean) => void,
  prefix = '[html]',
): HtmlServer {
  let started: { send(line: string, w: Waiter): void; close(): Promise<void> } | null = null;
  const start = () => {
    const script = join(root, 'tools', 'html_server.py');
    const child = spawn(jupyterPython(env.PATH), [script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
      cwd: root,
    });
    track(child, true);
    const waiting: Waiter[] = [];
    let ended: string | null = null;
    const end = (why: string) => {
      ended ??= why;
      for (const w of waiting.splice(0)) w.failed(new Error(`HTML render of ${w.what}: ${ended}`));
    };
    const exited = new Promise<void>((resolve) =>
      child.on('close', (code, signal) => {
        end(`${script} exited (${signal ?? `status ${code}`})`);
        track(child, false);
        resolve();
      }),
    );
    child.on('error', (e) => end(`${script}: ${e.message}`));
    createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (l) =>
      process.stderr.write(`${prefix} ${l}\n`),
    );
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (l) => {
      const w = waiting.shift();
      if (!w) return;
      const a = JSON.parse(l) as { ok: boolean; error?: string };
      if (a.ok) w.done();
      else w.failed(new Error(`HTML render of ${w.what}: ${a.error}`));
    });
    return {
      send: (line: string, w: Waiter) => {
        if (ended !== null) return w.failed(new Error(`HTML render of ${w.what}: ${ended}`));
        waiting.push(w);
        child.stdin!.write(line);
      },
      close: () => {
        child.stdin!.end();
        return exited;
      },
    };
  };
  return {
    render: (notebook, dir, name) =>
      new Promise<void>((done, failed) => {
        started ??= start();
        started.send(JSON.stringify({ path: notebook, dir, name }) + '\n', {
          done,
          failed,
          what: notebook,
        });
      }),
    close: () => started?.close() ?? Promise.resolve(),
  };
}

interface Waiter {
  done: () => void;
  failed: (e: Error) => void;
  what: string;
}
