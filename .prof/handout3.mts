import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'], headless: true });
const tot: Record<string, number[]> = {};
for (let rep = 0; rep < 3; rep++) for (const nb of process.argv.slice(2)) {
  let t = performance.now(); const t00 = t; const parts: string[] = []; const lap = (s: string) => { parts.push(s + ' ' + ((performance.now() - t) / 1000).toFixed(2)); t = performance.now(); };
  const p = await b.newPage({ viewport: { width: 718, height: 1000 } });
  await p.emulateMedia({ media: 'print' });
  await p.addInitScript(`window.satStaticFigures = true;`);
  await p.goto(pathToFileURL(`/tmp/cold1/html/${nb}.html`).href, { waitUntil: 'load' }); lap('load');
  await p.evaluate(async () => { const mj = (window as any).MathJax; if (mj?.Hub) await new Promise<void>((done) => mj.Hub.Queue([done])); }); lap('mathjax');
  const pdf = await p.pdf({ format: 'A4', printBackground: true }); lap('pdf');
  await p.close();
  (tot[nb] ??= []).push((performance.now() - t00) / 1000);
  console.log(nb, parts.join(' '));
}
for (const [k, v] of Object.entries(tot)) console.log(k, v.map((x) => x.toFixed(2)).join(' '));
await b.close();
