/**
 * The original work as its readers know it: the two source documents (the "seeds") with their
 * titles, dates and public addresses, and every file of the companion repository `inimino/hutter`
 * (one experiment per commit) by the commit that holds it. A claim's cause names the public files
 * read for it as `inimino/hutter@<commit>:<file>` (`Cause.consulted`); `originalFile` checks such
 * a reference against this list, so a typo or a file that is not public is refused.
 *
 * The project's account of the original work, in its own words, is docs/original-work.md.
 */

/** A source document of the study, as a reader cites it. */
export interface SourceDocument {
  /** BibTeX key, also the short name the notebooks use ("seed 000", "seed 003"). */
  readonly key: string;
  readonly title: string;
  readonly authors: string;
  /** ISO date of publication. */
  readonly date: string;
  /** Where it is published. */
  readonly url: string;
  /** The commit of the companion repository that holds its experiment's programs. */
  readonly commit: string;
  /** One line: what it is and which notebooks follow it. */
  readonly about: string;
}

/** The companion repository: one experiment per commit, cleaned to a blank slate between them. */
export const ORIGINAL_REPOSITORY = {
  name: 'inimino/hutter',
  url: 'https://github.com/inimino/hutter',
  archive: 'https://cmpr.ai/hutter/archive/',
} as const;

/** The two source documents every notebook counterpart follows. */
export const SOURCE_DOCUMENTS: readonly SourceDocument[] = [
  {
    key: 'weightConstruction',
    title: 'Weight Construction: can you derive all 82,304 parameters from data statistics alone?',
    authors: 'cmpr.ai',
    date: '2026-02-11',
    url: 'https://cmpr.ai/hutter/archive/20260211/',
    commit: 'efbaac3',
    about:
      'the experiment page of the 2026-02-11 archive (twelve experiments; notebooks 00–04, 06, 07)',
  },
  {
    key: 'snExportGap',
    title: 'The SN Export Gap: Byte-Weight Mapping for Binary ES Softmax',
    authors: 'Claude and MJC',
    date: '2026-02-07',
    url: 'https://cmpr.ai/hutter/archive/20260207/',
    commit: '8ce5e5f',
    about: 'the paper of the 2026-02-07 archive (notebooks 05 and 06)',
  },
];

/** The experiments of the companion repository by commit, as its README lists them. */
export const EXPERIMENTS: Readonly<
  Record<string, { readonly full: string; readonly name: string; readonly archive: string }>
> = {
  f36b42a: {
    full: 'f36b42ab2f3abcf7b302089837b03b16ba27c839',
    name: 'KN scaling (the README lists the experiment as 89b0664)',
    archive: '20260212',
  },
  efbaac3: {
    full: 'efbaac306e4b4403cf58e05aa40210cf62a4b590',
    name: 'Weight construction + ES isomorphism',
    archive: '20260211',
  },
  '86fbef8': {
    full: '86fbef8327207dd3e510c05118ba5aedd89b32e0',
    name: 'Total interpretation: 128-bit Boolean automaton (Q1–Q7)',
    archive: '20260211',
  },
  '3104f4a': {
    full: '3104f4a7ecf93f0223f58b1c9367c496ec9268c3',
    name: 'Pattern chains (paper revised)',
    archive: '20260208',
  },
  '74ddb51': {
    full: '74ddb51992a8c24544dc27796e9c7b4a86781f5b',
    name: 'Pattern chains: factor map, reverse isomorphism, viewer',
    archive: '20260208',
  },
  f808449: {
    full: 'f80844956c8976cfc8f6d24306c82ad8b35acc85',
    name: 'Pattern priors, skip-patterns, weight construction',
    archive: '20260207',
  },
  '8ce5e5f': {
    full: '8ce5e5f412aa642f5ae049ac702630696dbdd32a',
    name: 'SN visibility (full W_hh + UM comparison + calibration)',
    archive: '20260207',
  },
  '23a9427': {
    full: '23a94274f2881384c2b0f6824e1abfde477c7cb0',
    name: 'Saturation + pattern chains',
    archive: '20260206',
  },
  '160190b': {
    full: '160190b3ea00481b40f453e39adfca4cf1ae22b5',
    name: 'Bayes from table',
    archive: '20260131_6',
  },
  '11a7231': {
    full: '11a7231bcd52737d7d1293f86b3e48d77c832f9f',
    name: 'Bayes patterns',
    archive: '20260131_6',
  },
  '60acfd9': {
    full: '60acfd95714fc4ce1733d77fa0e05e651eab0372',
    name: 'Spectral radius',
    archive: '20260131_6',
  },
  db2b4ca: {
    full: 'db2b4ca29d33f2dbd882744112f8728c4f795eb9',
    name: 'SVD components',
    archive: '20260131_4',
  },
  '51ef90b': {
    full: '51ef90b74690012f63a8632579e2baf6800942f1',
    name: 'Memory depth',
    archive: '20260131_4',
  },
  '21e719f': {
    full: '21e719f36a10ab2f40123fd84a95ca096f171003',
    name: 'Memory trace (PCA)',
    archive: '20260131_6',
  },
  c9a60c0: {
    full: 'c9a60c003dfaac612003ee2a02dbfd1fa0547f0e',
    name: 'AC–RNN trace',
    archive: '20260131_6',
  },
};

/** Every public file of the companion repository, by the commit that holds it (several commits may hold a file; this is the one we read). */
const FILES_BY_COMMIT: Readonly<Record<string, readonly string[]>> = {
  efbaac3: [
    'reproduce.sh',
    'cost.pdf',
    'cost.tex',
    'cost_analysis.c',
    'es-isomorphism.pdf',
    'es-isomorphism.tex',
    'es_data_gen.c',
    'es_iso.c',
    'narrative.pdf',
    'narrative.tex',
    'sat_model.bin',
    'write_weights.c',
    'write_weights2.c',
    'write_weights3.c',
    'write_weights4.c',
    'write_weights5.c',
    'write_weights6.c',
    'write_weights8.c',
    'write_weights12.c',
  ],
  '86fbef8': [
    'reproduce.sh',
    'boolean-automaton.pdf',
    'boolean-automaton.tex',
    'q1-sparsity.pdf',
    'q1-sparsity.tex',
    'q1_bool_attractor.c',
    'q1_boolean.c',
    'q1_margins.c',
    'q1_sparsity.c',
    'q234-results.pdf',
    'q234-results.tex',
    'q2_offsets.c',
    'q3_neurons.c',
    'q4_saturation.c',
    'q5_redux.c',
    'q6-justifications.pdf',
    'q6-justifications.tex',
    'q6_justify.c',
    'q7_algebraic.c',
    'q7_higher_order.c',
    'sat_model.bin',
    'synthesis.pdf',
    'synthesis.tex',
  ],
  '3104f4a': ['pattern-chains.tex'],
  '74ddb51': [
    'binary_states.c',
    'factor_map.c',
    'factor_map2.c',
    'factor_map3.c',
    'factor_map4.c',
    'pattern-chains.pdf',
    'pattern-chains.tex',
    'pattern_viewer.c',
    'reproduce.sh',
    'reverse_iso.c',
    'reverse_iso2.c',
    'rnn_trace.c',
    'trace_example.c',
    'um_learn.c',
  ],
  f808449: [
    'reproduce.sh',
    'backward_trie.c',
    'compare_wh.c',
    'construct_rnn.c',
    'construct_skip.c',
    'construct_skip_greedy.c',
    'construct_skip_mlp.c',
    'offset_viz.c',
    'pattern-prior.tex',
    'skip2_rnn.c',
    'skip2_survival.c',
    'skip2gram.c',
    'skip3gram.c',
    'skip_kgram.c',
  ],
  '8ce5e5f': ['reproduce.sh', 'sat_calibrate.c', 'sat_sn_full.c', 'sat_um_sn.c'],
  '23a9427': ['reproduce.sh', 'sat_chains.c', 'sat_ngram_um.c', 'sat_train.c'],
  f36b42a: ['README.md', 'byte_kn.c', 'kn-scaling.pdf', 'kn-scaling.tex'],
  '160190b': ['bayes_from_table.py'],
  '11a7231': ['bayes_patterns.py'],
  '60acfd9': ['spectral_radius.py'],
  db2b4ca: ['svd_interpret.py'],
  '51ef90b': ['memory_depth2.py'],
  '21e719f': ['memory_trace.py'],
  c9a60c0: ['ac_trace.py'],
};

/** A public file of the companion repository. */
export interface OriginalFile {
  /** `inimino/hutter@<commit>:<file>`, the form causes and the book cite. */
  readonly ref: string;
  /** Short (7-hex) commit. */
  readonly commit: string;
  readonly path: string;
  /** The experiment of that commit. */
  readonly experiment: string;
  /** The file on GitHub at that commit. */
  readonly url: string;
}

/** The reference a cause cites for one public file. */
export function originalRef(commit: string, path: string): string {
  return `${ORIGINAL_REPOSITORY.name}@${commit}:${path}`;
}

/** Every public file of the companion repository, sorted by reference. */
export const ORIGINAL_FILES: readonly OriginalFile[] = Object.entries(FILES_BY_COMMIT)
  .flatMap(([commit, paths]) =>
    paths.map((path) => ({
      ref: originalRef(commit, path),
      commit,
      path,
      experiment: EXPERIMENTS[commit]!.name,
      url: `${ORIGINAL_REPOSITORY.url}/blob/${EXPERIMENTS[commit]!.full}/${path}`,
    })),
  )
  .sort((a, b) => (a.ref < b.ref ? -1 : 1));

const BY_REF = new Map(ORIGINAL_FILES.map((f) => [f.ref, f]));

/**
 * The public file a reference names. Throws naming the reference when it is not a file of the
 * companion repository at that commit.
 *
 * @example
 * originalFile('inimino/hutter@86fbef8:q5_redux.c').experiment; // → 'Total interpretation: 128-bit Boolean automaton (Q1–Q7)'
 */
export function originalFile(ref: string): OriginalFile {
  const f = BY_REF.get(ref);
  if (f === undefined) {
    const path = ref.slice(ref.indexOf(':') + 1);
    const at = ORIGINAL_FILES.filter((g) => g.path === path).map((g) => g.ref);
    throw new RangeError(
      `'${ref}' is not a public file of ${ORIGINAL_REPOSITORY.name}; expected inimino/hutter@<commit>:<file>${at.length ? `, e.g. ${at.join(' or ')}` : ''}`,
    );
  }
  return f;
}

/** The BibTeX key of a source document or of a public file, e.g. `hutter:86fbef8:q5_redux.c`. */
export function bibKey(refOrKey: string): string {
  const m = /^inimino\/hutter@([0-9a-f]{7}):(.+)$/.exec(refOrKey);
  return m ? `hutter:${m[1]}:${m[2]}` : refOrKey;
}

/** A BibTeX field value: braces kept balanced, `%` `&` `#` `_` escaped for the bibliography's LaTeX. */
function bibText(s: string): string {
  return s.replace(/[{}]/g, '').replace(/([%&#_])/g, '\\$1');
}

/**
 * `sources.bib`: the two source documents, the companion repository, and each public file in
 * `refs` (the files a run's claims consulted), so a paper can `\cite` them by `bibKey`.
 * Needs the `url` package in the document.
 */
export function sourcesBib(refs: readonly string[]): string {
  const entry = (key: string, fields: Record<string, string>) =>
    `@misc{${key},\n${Object.entries(fields)
      .map(([k, v]) => `  ${k} = {${v}},`)
      .join('\n')}\n}\n`;
  const year = (d: string) => d.slice(0, 4);
  const out = [
    '% Generated by npm run notebooks: the original work as its readers cite it (lib/notebook/sources.ts).\n',
  ];
  for (const d of SOURCE_DOCUMENTS) {
    out.push(
      entry(d.key, {
        author: `{${bibText(d.authors)}}`,
        title: `{${bibText(d.title)}}`,
        year: year(d.date),
        note: `Published ${d.date}`,
        howpublished: `\\url{${d.url}}`,
      }),
    );
  }
  out.push(
    entry('hutterRepository', {
      author: '{inimino}',
      title: `{${ORIGINAL_REPOSITORY.name}}: Hutter Prize compressor, reproducible experiments`,
      year: '2026',
      howpublished: `\\url{${ORIGINAL_REPOSITORY.url}}`,
      note: 'One experiment per commit',
    }),
  );
  for (const ref of [...new Set(refs)].sort()) {
    const f = originalFile(ref);
    out.push(
      entry(bibKey(ref), {
        author: '{inimino}',
        title: `{\\texttt{${bibText(f.path)}}} at commit ${f.commit}`,
        year: '2026',
        howpublished: `\\url{${f.url}}`,
        note: `${bibText(ORIGINAL_REPOSITORY.name)}, experiment: ${bibText(f.experiment)}`,
      }),
    );
  }
  return out.join('\n');
}
