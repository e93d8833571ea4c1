/**
 * `npm run lab [-- --port N] [-- --token T] [-- --no-browser] [-- --dir <folder>]`: the notebooks in
 * the browser. Rebuilds lib (so the kernel sees the current lib, tools/toolchain.ts), then starts
 * Debian's Jupyter Notebook (6.4, installed by npm run setup) on 127.0.0.1 with the project's kernel
 * `sat-rnn-tslab`, serving notebooks/ (or --dir), and prints the URL. Ctrl-C stops the server and
 * its kernels.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../lib/notebook/inputs.js';
import { ensureKernelSpec, ensureLibBuilt, KERNEL_NAME } from './toolchain.js';

const USAGE = `usage: npm run lab [-- --port N] [-- --token T] [-- --no-browser] [-- --dir <folder>]

  --port N      port on 127.0.0.1 (default 8888)
  --token T     access token (default: Jupyter makes one and prints it)
  --no-browser  do not open a browser
  --dir         folder of notebooks to serve (default notebooks/)`;

class UsageError extends Error {}

function options(argv: string[]): { port: number; token?: string; browser: boolean; dir: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        token: { type: 'string' },
        'no-browser': { type: 'boolean' },
        dir: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const k of ['port', 'token', 'dir'] as const)
    if (values[k] !== undefined && values[k]!.trim() === '')
      throw new UsageError(`--${k}: empty; expected a value`);
  const port =
    values.port === undefined ? 8888 : /^\d+$/.test(values.port) ? Number(values.port) : NaN;
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535))
    throw new UsageError(`--port: expected an integer from 1 to 65535, got '${values.port}'`);
  const dir = resolve(
    process.env.INIT_CWD ?? process.cwd(),
    values.dir ?? join(projectRoot(), 'notebooks'),
  );
  if (!existsSync(dir)) throw new UsageError(`--dir ${dir}: no such folder`);
  return { port, token: values.token, browser: !values['no-browser'], dir };
}

function main(): void {
  let opts;
  try {
    opts = options(process.argv.slice(2));
  } catch (e) {
    console.error(`lab: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const root = projectRoot();
  const snapshot = ensureLibBuilt(root);
  const jupyterPath = ensureKernelSpec(root);
  console.log(`lib built (${snapshot}); kernel ${KERNEL_NAME}; serving ${opts.dir}`);
  const args = [
    'notebook',
    '--ip=127.0.0.1',
    `--port=${opts.port}`,
    '--NotebookApp.port_retries=0',
    `--notebook-dir=${opts.dir}`,
    `--MultiKernelManager.default_kernel_name=${KERNEL_NAME}`,
    ...(opts.token !== undefined ? [`--NotebookApp.token=${opts.token}`] : []),
    ...(opts.browser ? [] : ['--no-browser']),
    // Jupyter refuses to run as root without it (the CI and these machines run as root).
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  const child = spawn('jupyter', args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    },
  });
  if (opts.token !== undefined)
    console.log(`open http://127.0.0.1:${opts.port}/tree?token=${opts.token}`);
  child.on('error', (e) => {
    console.error(`lab: cannot start jupyter (${e.message}); run npm run setup`);
    process.exit(1);
  });
  // Jupyter asks for confirmation on SIGINT; SIGTERM shuts the server and its kernels down at once.
  let stopping: NodeJS.Signals | null = null;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      stopping ??= sig;
      child.kill('SIGTERM');
    });
  }
  child.on('exit', (code) =>
    process.exit(stopping === 'SIGINT' ? 130 : stopping === 'SIGTERM' ? 143 : (code ?? 1)),
  );
}

main();
