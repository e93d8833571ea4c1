import { printHtmlToPdf, closeExporter } from '/work/main/lib/notebook/export.js';
for (let r = 0; r < 2; r++) { let t = performance.now(); const pdf = await printHtmlToPdf(`/tmp/cold1/html/00-sat-rnn.html`); console.log(pdf.length, ((performance.now() - t) / 1000).toFixed(2)); }
await closeExporter();
