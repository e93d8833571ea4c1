/**
 * Rich output in the tslab kernel. One display message may carry several MIME types (HTML for
 * Jupyter and HTML renders, PNG/SVG for viewers without scripts, text/plain for terminals); tslab's
 * public `display` sends one type per message, so this uses the kernel's display hook directly.
 * Outside a kernel (tests, tsx scripts) the text/plain part is printed to stdout.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** MIME type → content (strings; binary images as base64). */
export type MimeBundle = Readonly<Record<string, string>> & { readonly 'text/plain': string };

type WriteDisplayData = (
  msg: {
    data: Record<string, string>;
    metadata: Record<string, unknown>;
    transient: Record<string, unknown>;
  },
  update: boolean,
) => void;

/** The running kernel's display hook, or null when this process is not a tslab kernel. */
function kernelDisplayHook(): WriteDisplayData | null {
  const require = createRequire(import.meta.url);
  let key: string;
  try {
    key = require.resolve('tslab/dist/jupyter.js');
  } catch {
    return null;
  }
  // Only a kernel has loaded tslab's jupyter module; never load it (and TypeScript) here.
  const mod = require.cache[key];
  const hook = (mod?.exports as { lastWriteDisplayData?: WriteDisplayData } | undefined)
    ?.lastWriteDisplayData;
  return typeof hook === 'function' ? hook : null;
}

/** True inside a running tslab kernel. */
export function inKernel(): boolean {
  return kernelDisplayHook() !== null;
}

/** Show a MIME bundle as one output. */
export function displayBundle(bundle: MimeBundle): void {
  const hook = kernelDisplayHook();
  if (hook === null) {
    process.stdout.write(bundle['text/plain'] + '\n');
    return;
  }
  hook({ data: { ...bundle }, metadata: {}, transient: {} }, false);
}

/** Show HTML (with a plain-text fallback). */
export function displayHtml(html: string, text: string): void {
  displayBundle({ 'text/html': html, 'text/plain': text });
}

/** Show Markdown (rendered by Jupyter; printed as is elsewhere). */
export function displayMarkdown(md: string): void {
  displayBundle({ 'text/markdown': md, 'text/plain': md });
}

/** A one-line output that later calls overwrite in place (e.g. training progress). */
export interface ProgressLine {
  /**
   * Show `text`; with `fraction` (the share of the work done, in (0, 1]) an estimate of the time
   * left is appended, from the time since the line was started.
   */
  update(text: string, fraction?: number): void;
}

/** Environment variable naming a file that progress lines are also appended to (the runner shows them). */
export const PROGRESS_ENV = 'SAT_PROGRESS';

let progressCounter = 0;

/**
 * Start a progress line. In a kernel it is one output updated in place; elsewhere each update is
 * printed. When SAT_PROGRESS names a file (npm run notebooks sets it), updates are appended there
 * too, at most one a second plus the last, so the runner's console shows long work as it runs.
 */
export function progressLine(): ProgressLine {
  const id = `sat-progress-${process.pid}-${++progressCounter}`;
  const file = process.env[PROGRESS_ENV];
  const t0 = Date.now();
  let shown = false,
    lastAppend = 0;
  return {
    update(text: string, fraction?: number) {
      const now = Date.now();
      if (fraction !== undefined && fraction > 0 && fraction < 1 && now > t0) {
        text += ` (about ${Math.ceil(((now - t0) / 1000) * (1 / fraction - 1))} s left)`;
      }
      if (file && (now - lastAppend >= 1000 || fraction === 1)) {
        lastAppend = now;
        try {
          appendFileSync(file, text + '\n');
        } catch {
          /* the runner's console is a convenience */
        }
      }
      const hook = kernelDisplayHook();
      if (hook === null) {
        process.stdout.write(text + '\n');
        return;
      }
      hook({ data: { 'text/plain': text }, metadata: {}, transient: { display_id: id } }, shown);
      shown = true;
    },
  };
}
