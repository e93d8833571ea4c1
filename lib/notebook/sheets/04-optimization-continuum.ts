/**
 * Notebook 04-optimization-continuum: the prose of its claims and the worked answers of its exercises
 * (lib/notebook/sheets.ts says how text quotes measured values).
 */
import type { NotebookSheets } from '../sheets.js';

export const SHEETS: NotebookSheets = {
  claims: {},
  answers: {},
};
