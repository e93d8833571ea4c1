/**
 * Exact reuse of notebook 05's evaluations. The notebook scores many models that share tensors: a
 * matrix quantized alone leaves the float model's others; clipping at 255 changes nothing while
 * α·max|W| < 255.5; Table 2's readings and their forensics quantize the same layer sets; Table 4's
 * models are the α slider's "All" models; the forensics score one model several ways. So the same
 * trajectory or bpc is asked for again and again. Here each is computed once and remembered under
 * the content of what it depends on (a SHA-256 of the tensors', the text's and the start state's
 * bytes, never an object's identity, so an array changed in place is a new key): a trajectory
 * under Wx, Wh, bh, the text and h(−1) (a model with only Wy or by quantized runs on the float
 * model's trajectory), a bpc under the whole model and the text.
 *
 * A remembered value is the value the computation gives (the float64 kernels are deterministic,
 * and `evaluate` is `run` then `scoreStates`), so every result is the same bits as without the
 * memo. Trajectories are kept up to a byte budget, least recently used first out; numbers up to a
 * count. Remembered arrays are shared: read them, never write to them.
 */
import { createHash } from 'node:crypto';
import type { SatRnn } from '../core/model.js';
import { run, scoreStates } from '../core/rnn.js';
import { parallelMap } from '../core/parallel.js';

/**
 * A key for the exact content of `parts`: typed arrays by their type, length and bytes, other
 * values by their string (−0 apart from 0); `kind` names what the key is for.
 */
export function contentKey(
  kind: string,
  ...parts: ReadonlyArray<ArrayBufferView | number | string | boolean | undefined>
): string {
  const hash = createHash('sha256').update(kind);
  for (const p of parts) {
    if (ArrayBuffer.isView(p)) {
      hash.update(`|${p.constructor.name}[${p.byteLength}]:`);
      hash.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    } else hash.update(`|${typeof p}:${Object.is(p, -0) ? '-0' : String(p)}`);
  }
  return hash.digest('base64');
}

/** A map that forgets its least recently used entries beyond a total size (`sizeOf` each). */
export class Memo<V> {
  private readonly entries = new Map<string, V>();
  private size = 0;

  constructor(
    private readonly budget: number,
    private readonly sizeOf: (v: V) => number = () => 1,
  ) {}

  /** The value under `key`, computed by `compute` (and remembered) when there is none. */
  get(key: string, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) {
      this.entries.delete(key); // re-inserted as the most recently used
      this.entries.set(key, hit as V);
      return hit as V;
    }
    const v = compute();
    const s = this.sizeOf(v);
    if (s > this.budget) return v;
    this.entries.set(key, v);
    this.size += s;
    for (const [k, old] of this.entries) {
      if (this.size <= this.budget) break;
      this.entries.delete(k);
      this.size -= this.sizeOf(old);
    }
    return v;
  }

  /** Whether a value is remembered under `key`. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Forget everything. */
  clear(): void {
    this.entries.clear();
    this.size = 0;
  }
}

/** Trajectories h ([n][H] float64), up to 64 MB of them (64 of the 1,024-byte text's). */
const trajectories = new Memo<Float64Array>(64 * 2 ** 20, (h) => h.byteLength);
/** Numbers (bpc of models, re-synchronised bpc, …). */
const numbers = new Memo<number>(1 << 16);

/**
 * `run(m, bytes, { h0 }).h`, remembered under Wx, Wh, bh, the text and h0 (default 0): the states
 * of every model that differs from `m` only in Wy and by. Shared: do not modify.
 */
export function runStates(m: SatRnn, bytes: Uint8Array, h0?: Float64Array): Float64Array {
  const key = contentKey('run', m.hidden, m.Wx, m.Wh, m.bh, bytes, h0);
  return trajectories.get(key, () => run(m, bytes, h0 ? { h0 } : {}).h);
}

/** The key of `modelBpc(m, bytes)`. */
function bpcKey(m: SatRnn, bytes: Uint8Array): string {
  return contentKey('bpc', m.hidden, m.Wx, m.Wh, m.bh, m.Wy, m.by, bytes);
}

/** `evaluate(m, bytes).bpc` (the bpc protocol), remembered; scored on `runStates(m, bytes)`. */
export function modelBpc(m: SatRnn, bytes: Uint8Array): number {
  return numbers.get(
    bpcKey(m, bytes),
    () => scoreStates(m.Wy, m.by, m.hidden, runStates(m, bytes), bytes).bpc,
  );
}

/** Input of `bpcTask`: models to score on one text. */
export interface BpcJob {
  readonly models: readonly SatRnn[];
  readonly bytes: Uint8Array;
}

/** `modelBpc` of each model of a job (a `parallelMap` task). */
export function bpcTask(job: BpcJob): number[] {
  return job.models.map((m) => modelBpc(m, job.bytes));
}

/** Models per `bpcTask` job. */
const BPC_JOB = 8;

/**
 * Score on a worker pool (one worker per core, or `workers`) every model of `models` whose bpc on
 * `bytes` is not remembered yet, each distinct content once, and remember the results: the
 * `modelBpc` calls that follow are then answered from memory, with the bits a worker computed
 * (the same kernels, so the same bits as in this thread). Models are taken one at a time from the
 * iterable and only the ones to score are kept.
 */
export async function prefetchBpc(
  models: Iterable<SatRnn>,
  bytes: Uint8Array,
  workers?: number,
): Promise<void> {
  const todo = new Map<string, SatRnn>();
  for (const m of models) {
    const key = bpcKey(m, bytes);
    if (!numbers.has(key) && !todo.has(key)) todo.set(key, m);
  }
  const keys = [...todo.keys()],
    list = [...todo.values()];
  const jobs: BpcJob[] = [];
  for (let i = 0; i < list.length; i += BPC_JOB)
    jobs.push({ models: list.slice(i, i + BPC_JOB), bytes });
  const parts = await parallelMap<BpcJob, number[]>(new URL(import.meta.url), 'bpcTask', jobs, {
    workers,
  });
  parts.flat().forEach((bpc, i) => numbers.get(keys[i], () => bpc));
}

/** Forget every remembered trajectory and number (for measuring; results do not depend on it). */
export function clearMemo(): void {
  trajectories.clear();
  numbers.clear();
}
