import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'], headless: true });
for (const nb of process.argv.slice(2)) {
  let t = performance.now(); const lap = (s: string) => { console.log(s, ((performance.now() - t) / 1000).toFixed(2)); t = performance.now(); };
  const p = await b.newPage({ viewport: { width: 718, height: 1000 } });
  await p.emulateMedia({ media: 'print' });
  await p.addInitScript(`window.satStaticFigures = true;`);
  await p.goto(pathToFileURL(`/tmp/cold1/html/${nb}.html`).href, { waitUntil: 'load' }); lap('load');
  await p.evaluate(async () => { const mj = (window as any).MathJax; if (mj?.Hub) await new Promise<void>((done) => mj.Hub.Queue([done])); }); lap('mathjax');
  const pdf = await p.pdf({ format: 'A4', printBackground: true }); lap('pdf ' + pdf.length);
  await p.close();
}
await b.close();
