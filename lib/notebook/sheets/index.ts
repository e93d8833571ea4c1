/**
 * Every notebook's sheets by notebook id (lib/notebook/sheets.ts): a new notebook adds its module
 * here.
 */
import type { NotebookSheets } from '../sheets.js';
import { SHEETS as S00 } from './00-sat-rnn.js';
import { SHEETS as S01 } from './01-weight-prediction.js';
import { SHEETS as S02 } from './02-substitution.js';
import { SHEETS as S03 } from './03-shift-register.js';
import { SHEETS as S04 } from './04-optimization-continuum.js';
import { SHEETS as S05 } from './05-sn-export-gap.js';
import { SHEETS as S06 } from './06-counting.js';
import { SHEETS as S07 } from './07-luck.js';

export const NOTEBOOK_SHEETS: Readonly<Record<string, NotebookSheets>> = {
  '00-sat-rnn': S00,
  '01-weight-prediction': S01,
  '02-substitution': S02,
  '03-shift-register': S03,
  '04-optimization-continuum': S04,
  '05-sn-export-gap': S05,
  '06-counting': S06,
  '07-luck': S07,
};
