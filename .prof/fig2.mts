import { exportFigure, closeExporter } from '/work/main/lib/notebook/export.js';
import { styleFigure } from '/work/main/lib/notebook/figure.js';
import { readFileSync } from 'node:fs';
const names = process.argv.slice(2);
await exportFigure(styleFigure('warm', { data: [{ type: 'scatter', x: [1], y: [1] }], layout: { xaxis: { title: 'x' }, yaxis: { title: 'y' } } } as any));
for (let r = 0; r < 2; r++) for (const n of names) {
  const spec = JSON.parse(readFileSync(`/tmp/cold1/figures/${n}.json`, 'utf8'));
  const t = performance.now(); const f = styleFigure('x', spec); const t1 = performance.now();
  const files = await exportFigure(f); console.log(n, 'style', ((t1 - t) / 1000).toFixed(2), 'export', ((performance.now() - t1) / 1000).toFixed(2), 'svg', files.svg.length, 'pdf', files.pdf.length, 'png', files.png.length);
}
await closeExporter();
