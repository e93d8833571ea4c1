/**
 * Small dense linear algebra on row-major Float64Arrays: eigenvalues of a real nonsymmetric
 * matrix (spectral radius) and symmetric positive-definite solves (Cholesky).
 */

/** Complex eigenvalues as parallel arrays of real and imaginary parts. */
export interface Eigenvalues {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/**
 * All eigenvalues of a real n×n matrix `a` (row-major, not modified): reduction to upper
 * Hessenberg form by stabilised elimination, then the Francis double-shift QR iteration
 * (the classical EISPACK `elmhes` + `hqr` pair).
 */
export function eigenvalues(a: ArrayLike<number>, n: number): Eigenvalues {
  if (a.length !== n * n)
    throw new RangeError(`eigenvalues: matrix has ${a.length} values, expected ${n}×${n}`);
  // 1-based working copy keeps the classical index arithmetic readable.
  const A: Float64Array[] = [];
  for (let i = 0; i <= n; i++) A.push(new Float64Array(n + 1));
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= n; j++) {
      const v = a[(i - 1) * n + (j - 1)];
      if (!Number.isFinite(v))
        throw new RangeError(`eigenvalues: entry (${i - 1}, ${j - 1}) is ${v}`);
      A[i][j] = v;
    }
  toHessenberg(A, n);
  const wr = new Float64Array(n + 1),
    wi = new Float64Array(n + 1);
  hessenbergQr(A, n, wr, wi);
  return { re: wr.slice(1), im: wi.slice(1) };
}

/**
 * Largest eigenvalue modulus of a real n×n matrix.
 *
 * @example
 * spectralRadius([0, 1, 1, 0], 2); // → 1.000000
 */
export function spectralRadius(a: ArrayLike<number>, n: number): number {
  const { re, im } = eigenvalues(a, n);
  let r = 0;
  for (let k = 0; k < n; k++) r = Math.max(r, Math.hypot(re[k], im[k]));
  return r;
}

function toHessenberg(A: Float64Array[], n: number): void {
  for (let m = 2; m < n; m++) {
    let x = 0,
      piv = m;
    for (let j = m; j <= n; j++)
      if (Math.abs(A[j][m - 1]) > Math.abs(x)) {
        x = A[j][m - 1];
        piv = j;
      }
    if (piv !== m) {
      for (let j = m - 1; j <= n; j++) {
        const t = A[piv][j];
        A[piv][j] = A[m][j];
        A[m][j] = t;
      }
      for (let j = 1; j <= n; j++) {
        const t = A[j][piv];
        A[j][piv] = A[j][m];
        A[j][m] = t;
      }
    }
    if (x !== 0) {
      for (let i = m + 1; i <= n; i++) {
        let y = A[i][m - 1];
        if (y !== 0) {
          y /= x;
          A[i][m - 1] = y;
          for (let j = m; j <= n; j++) A[i][j] -= y * A[m][j];
          for (let j = 1; j <= n; j++) A[j][m] += y * A[j][i];
        }
      }
    }
  }
  // The multipliers left below the subdiagonal are not part of the Hessenberg matrix.
  for (let i = 3; i <= n; i++) for (let j = 1; j < i - 1; j++) A[i][j] = 0;
}

function hessenbergQr(a: Float64Array[], n: number, wr: Float64Array, wi: Float64Array): void {
  const sign = (x: number, y: number) => (y >= 0 ? Math.abs(x) : -Math.abs(x));
  let anorm = 0;
  for (let i = 1; i <= n; i++)
    for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[i][j]);
  let nn = n,
    t = 0;
  let p = 0,
    q = 0,
    r = 0,
    s = 0,
    w = 0,
    x = 0,
    y = 0,
    z = 0;
  while (nn >= 1) {
    let its = 0,
      l: number;
    do {
      // Look for a single small subdiagonal element.
      for (l = nn; l >= 2; l--) {
        s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
        if (s === 0) s = anorm;
        if (Math.abs(a[l][l - 1]) + s === s) {
          a[l][l - 1] = 0;
          break;
        }
      }
      x = a[nn][nn];
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn--] = 0; // one root found
      } else {
        y = a[nn - 1][nn - 1];
        w = a[nn][nn - 1] * a[nn - 1][nn];
        if (l === nn - 1) {
          // two roots found
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = -(wi[nn] = z);
          }
          nn -= 2;
        } else {
          if (its === 60) throw new Error(`eigenvalues: QR iteration did not converge (n = ${n})`);
          if (its === 10 || its === 20 || its === 40) {
            // exceptional shift
            t += x;
            for (let i = 1; i <= nn; i++) a[i][i] -= x;
            s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            // two consecutive small subdiagonal elements
            z = a[m][m];
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
            q = a[m + 1][m + 1] - z - r - s;
            r = a[m + 2][m + 1];
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
            const v =
              Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z) + Math.abs(a[m + 1][m + 1]));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i][i - 2] = 0;
            if (i !== m + 2) a[i][i - 3] = 0;
          }
          for (let k = m; k <= nn - 1; k++) {
            // double-shift QR step on rows l..nn, columns m..nn
            if (k !== m) {
              p = a[k][k - 1];
              q = a[k + 1][k - 1];
              r = k !== nn - 1 ? a[k + 2][k - 1] : 0;
              if ((x = Math.abs(p) + Math.abs(q) + Math.abs(r)) !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            if ((s = sign(Math.sqrt(p * p + q * q + r * r), p)) !== 0) {
              if (k === m) {
                if (l !== m) a[k][k - 1] = -a[k][k - 1];
              } else a[k][k - 1] = -s * x;
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = a[k][j] + q * a[k + 1][j];
                if (k !== nn - 1) {
                  p += r * a[k + 2][j];
                  a[k + 2][j] -= p * z;
                }
                a[k + 1][j] -= p * y;
                a[k][j] -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * a[i][k] + y * a[i][k + 1];
                if (k !== nn - 1) {
                  p += z * a[i][k + 2];
                  a[i][k + 2] -= p * r;
                }
                a[i][k + 1] -= p * q;
                a[i][k] -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
}

/**
 * In-place Cholesky factorisation of a symmetric positive-definite n×n matrix (row-major):
 * on return the lower triangle holds L with A = L·Lᵀ. Throws if A is not positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n)
    throw new RangeError(`cholesky: matrix has ${a.length} values, expected ${n}×${n}`);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0))
      throw new RangeError(`cholesky: matrix is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
  }
  return a;
}

/**
 * Solve L·Lᵀ·X = B for X given the factor from `cholesky` (lower triangle of `l`), with B an
 * n×m row-major right-hand side; B is overwritten by X and returned.
 */
export function choleskySolve(
  l: Float64Array,
  n: number,
  b: Float64Array,
  m: number,
): Float64Array {
  if (b.length !== n * m)
    throw new RangeError(
      `choleskySolve: right-hand side has ${b.length} values, expected ${n}×${m}`,
    );
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      // forward: L y = b
      let s = b[i * m + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k * m + c];
      b[i * m + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      // backward: Lᵀ x = y
      let s = b[i * m + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k * m + c];
      b[i * m + c] = s / l[i * n + i];
    }
  }
  return b;
}

/**
 * Solve L·Lᵀ·W = B in place for B [n][m] (all right-hand sides at once, row by row: contiguous
 * rows instead of one strided column at a time), L from `cholesky`. Each value sees the same
 * operations in the same order as in `choleskySolve`, so W is bit-identical to it.
 */
export function choleskySolveRows(
  L: Float64Array,
  n: number,
  B: Float64Array,
  m: number,
): Float64Array {
  if (B.length !== n * m)
    throw new RangeError(
      `choleskySolveRows: right-hand side has ${B.length} values, expected ${n}×${m}`,
    );
  for (let i = 0; i < n; i++) {
    // forward: L·Z = B
    const bi = i * m;
    for (let j = 0; j < i; j++) {
      const l = L[i * n + j],
        bj = j * m;
      for (let c = 0; c < m; c++) B[bi + c] -= l * B[bj + c];
    }
    const d = L[i * n + i];
    for (let c = 0; c < m; c++) B[bi + c] /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    // backward: Lᵀ·W = Z
    const bi = i * m;
    for (let j = i + 1; j < n; j++) {
      const l = L[j * n + i],
        bj = j * m;
      for (let c = 0; c < m; c++) B[bi + c] -= l * B[bj + c];
    }
    const d = L[i * n + i];
    for (let c = 0; c < m; c++) B[bi + c] /= d;
  }
  return B;
}

/**
 * The transpose of a row-major rows×cols matrix, as a cols×rows matrix.
 *
 * @example
 * Array.from(transpose([1, 2, 3, 4, 5, 6], 2, 3)); // → [1, 4, 2, 5, 3, 6]
 */
export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (a.length !== rows * cols)
    throw new RangeError(`transpose: ${a.length} values, expected rows × cols = ${rows} × ${cols}`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/**
 * Largest singular value ‖A‖₂ of a real n×n matrix (row-major): the largest eigenvalue of AᵀA by
 * `lanczosTop` from a fixed start vector. Stops when the estimate changes by less than `tol`
 * (relative) between checks, or after n steps (then exact up to rounding).
 *
 * @example
 * largestSingularValue([3, 0, 0, -4], 2); // → 4.000000
 */
export function largestSingularValue(a: ArrayLike<number>, n: number, tol = 1e-12): number {
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`largestSingularValue: n must be a positive integer, got ${n}`);
  if (a.length !== n * n)
    throw new RangeError(`largestSingularValue: matrix has ${a.length} values, expected ${n}×${n}`);
  const u = new Float64Array(n);
  const ata: SymmetricOperator = (q, w) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * q[j];
      u[i] = s;
    }
    w.fill(0);
    for (let i = 0; i < n; i++) {
      const ui = u[i];
      for (let j = 0; j < n; j++) w[j] += a[i * n + j] * ui;
    }
  };
  return Math.sqrt(Math.max(0, lanczosTop(ata, n, lanczosStart(n), tol)));
}

/** The fixed start vector of `largestSingularValue`: q_i ∝ 1 + cos(1 + 1.7 i)/2, unit length. */
export function lanczosStart(n: number): Float64Array {
  const q = Float64Array.from({ length: n }, (_, i) => 1 + Math.cos(1 + 1.7 * i) / 2);
  const norm = Math.hypot(...q);
  return q.map((v) => v / norm);
}

/** A symmetric positive semi-definite n×n operator: writes S·q into `out` (overwritten). */
export type SymmetricOperator = (q: Float64Array, out: Float64Array) => void;

/**
 * Largest eigenvalue of a symmetric positive semi-definite n×n operator by the Lanczos method with
 * full re-orthogonalisation (twice) from the unit vector `start`, its tridiagonal matrix's top
 * eigenvalue found by Sturm-sequence bisection every 4 steps; stops when that estimate changes by
 * less than `tol` (relative) between checks, or after n steps (then exact up to rounding).
 */
export function lanczosTop(
  apply: SymmetricOperator,
  n: number,
  start: Float64Array,
  tol: number,
): number {
  const Q: Float64Array[] = [];
  const alpha: number[] = [],
    beta: number[] = [];
  let q = start;
  const w = new Float64Array(n);
  let value = 0;
  for (let k = 0; k < n; k++) {
    Q.push(q);
    apply(q, w);
    let al = 0;
    for (let j = 0; j < n; j++) al += w[j] * q[j];
    alpha.push(al);
    for (let r = 0; r < 2; r++) {
      // full re-orthogonalisation, twice for stability
      for (const p of Q) {
        let d = 0;
        for (let j = 0; j < n; j++) d += w[j] * p[j];
        for (let j = 0; j < n; j++) w[j] -= d * p[j];
      }
    }
    let norm = 0;
    for (let j = 0; j < n; j++) norm += w[j] * w[j];
    norm = Math.sqrt(norm);
    const last = k === n - 1 || norm <= 1e-14 * Math.max(1, Math.abs(al));
    if (last || k % 4 === 3) {
      const next = tridiagonalMaxEigenvalue(alpha, beta);
      const done = last || Math.abs(next - value) <= tol * Math.abs(next);
      value = next;
      if (done) break;
    }
    beta.push(norm);
    q = w.map((v) => v / norm);
  }
  return value;
}

/**
 * Largest eigenvalue of the symmetric tridiagonal matrix with diagonal `alpha` (length m) and
 * off-diagonal `beta` (length ≥ m − 1; extra entries ignored): bisection on Sturm counts inside
 * the Gershgorin interval.
 */
function tridiagonalMaxEigenvalue(alpha: readonly number[], beta: readonly number[]): number {
  const m = alpha.length;
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < m - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - r);
    hi = Math.max(hi, alpha[i] + r);
  }
  // Number of eigenvalues < x (Sturm sequence of the LDLᵀ pivots).
  const below = (x: number): number => {
    let c = 0,
      d = 1;
    for (let i = 0; i < m; i++) {
      d = alpha[i] - x - (i > 0 ? (beta[i - 1] * beta[i - 1]) / d : 0);
      if (d === 0) d = -1e-300;
      if (d < 0) c++;
    }
    return c;
  };
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(hi)); it++) {
    const mid = (lo + hi) / 2;
    if (below(mid) === m) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}
