import type { ReportFile } from './context.js';
import { formsFile } from './forms.js';
import { globalFile } from './global.js';
import { resumeFile } from './resume.js';

/**
 * The files of a report's zip, in the order they are written: Global.csv first, because its
 * pass over the ledger fills the tallies that Resume.csv prints. Each file's columns and the
 * source of its rows are in its own module.
 */
export const REPORT_FILES: readonly ReportFile[] = [globalFile, resumeFile, formsFile];
