/**
 * A small parallel map over worker threads for independent notebook work (sweeps, grid searches,
 * evaluating many models): `parallelMap(moduleUrl, 'name', inputs)` calls the exported function
 * `name` of that module on every input in a pool of workers (one per core by default) and
 * resolves to the outputs in input order. Inputs and outputs cross threads by structured clone
 * (typed arrays and plain objects are fine; functions and class instances are not). A task module
 * written in TypeScript is loaded through tsx in the workers.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface ParallelOptions<O = unknown> {
  /** Number of worker threads (default: the number of cores, at most the number of inputs). */
  workers?: number;
  /** Called as each output arrives: its input index, how many of the `total` are done, and the output. */
  onResult?: (i: number, done: number, total: number, output: O) => void;
}

/** Worker body (CommonJS, run with `eval`): load the task module, then answer {i, input} messages. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  const fn = (await import(workerData.module))[workerData.name];
  if (typeof fn !== 'function') throw new Error(workerData.module + ' has no exported function ' + workerData.name);
  parentPort.on('message', async ({ i, input }) => {
    try { parentPort.postMessage({ i, output: await fn(input) }); }
    catch (e) { parentPort.postMessage({ i, error: String((e && e.stack) || e) }); }
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ fatal: String((e && e.stack) || e) }));
`;

/** File URL of tsx's ESM API (its `register()` lets a worker import TypeScript). */
function tsxApiUrl(): string {
  return pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}

type Reply =
  | { ready: true }
  | { fatal: string }
  | { i: number; output: unknown }
  | { i: number; error: string };

/**
 * Map `inputs` through the function exported as `name` by the module at `moduleUrl` (a file URL,
 * e.g. `new URL('../fast/task.ts', import.meta.url)`), in parallel. Rejects with the first error.
 */
export async function parallelMap<I, O>(
  moduleUrl: string | URL,
  name: string,
  inputs: readonly I[],
  opts: ParallelOptions<O> = {},
): Promise<O[]> {
  const url = String(moduleUrl);
  if (!url.startsWith('file:'))
    throw new RangeError(`parallelMap: moduleUrl must be a file: URL, got ${url}`);
  const count = Math.min(opts.workers ?? availableParallelism(), inputs.length);
  if (!Number.isInteger(count) || (count < 1 && inputs.length > 0))
    throw new RangeError(`workers: expected a positive integer, got ${opts.workers}`);
  if (inputs.length === 0) return [];
  const tsx = /\.[cm]?ts$/.test(url) ? tsxApiUrl() : null;
  const outputs = new Array<O>(inputs.length);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0,
        done = 0;
      const feed = (w: Worker) => {
        if (next < inputs.length) {
          w.postMessage({ i: next, input: inputs[next] });
          next++;
        }
      };
      for (let k = 0; k < count; k++) {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: url, name, tsx } });
        workers.push(w);
        w.on('error', reject);
        w.on('message', (msg: Reply) => {
          if ('fatal' in msg) reject(new Error(`parallelMap worker could not start: ${msg.fatal}`));
          else if ('ready' in msg) feed(w);
          else if ('error' in msg)
            reject(new Error(`parallelMap: ${name}(inputs[${msg.i}]) failed: ${msg.error}`));
          else {
            outputs[msg.i] = msg.output as O;
            done++; // not inside the optional call below: its arguments are skipped without a callback
            opts.onResult?.(msg.i, done, inputs.length, msg.output as O);
            if (done === inputs.length) resolve();
            else feed(w);
          }
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outputs;
}
