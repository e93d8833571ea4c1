#!/usr/bin/env bash
# Build the environment for sat-rnn notebooks (idempotent; quick when everything is present):
#   1. Debian packages: Jupyter's nbconvert/nbclient/ipykernel, chromium, MathJax and require.js for
#      the HTML renders, TeX Live, Slurm and munge for the job-array test (apt-get when missing)
#   2. npm packages (npm install when node_modules is missing or older than the lock file)
#   3. lib compiled to dist/lib, importable as sat-rnn/lib/<module>; kernelspec sat-rnn-tslab
#      running THIS project's node_modules/tslab, registered for the user (for interactive Jupyter)
#   4. checks: zeromq and esbuild binaries, jupyter nbconvert, chromium starts
# See environment.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# libjs-mathjax and libjs-requirejs: Debian's nbconvert HTML template loads them from file:///usr/share/javascript
# (offline math in the HTML renders).
# texlive-latex-base/-recommended, lmodern and latexmk compile the paper bundle (booktabs, longtable,
# graphicx, T1 fonts); poppler-utils (pdftotext, pdfinfo, pdffonts) checks it.
# fonts-lmodern and python3-fonttools: the paper figures' Latin Modern, converted to TrueType on first use
# (tools/latin-modern-ttf.py).
# jupyter-notebook (6.4) serves the notebooks in the browser (npm run lab).
# slurm-wlm and munge: a one-node Slurm (tools/slurm-local.sh) for test/slurm.test.ts, which submits
# zoos as job arrays (npm run sat -- zoo --slurm); installing them starts no daemon.
DEBIAN_PACKAGES=(jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook chromium libjs-mathjax libjs-requirejs
  texlive-latex-base texlive-latex-recommended lmodern latexmk poppler-utils fonts-lmodern python3-fonttools
  slurm-wlm munge)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm install"
  npm install --no-audit --no-fund
else
  echo "setup: node_modules up to date"
fi

# Build lib, write the kernelspec, check zeromq/esbuild/nbconvert/chromium.
npx --no-install tsx tools/toolchain.ts --check

# Register the kernel for interactive Jupyter (the runner itself uses dist/jupyter via JUPYTER_PATH).
jupyter kernelspec install --user --replace --name sat-rnn-tslab dist/jupyter/kernels/sat-rnn-tslab >/dev/null 2>&1
echo "setup: kernel sat-rnn-tslab registered for $(id -un) ($(jupyter --data-dir 2>/dev/null)/kernels/sat-rnn-tslab)"
echo "setup: done"
