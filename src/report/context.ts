import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import type { CsvFormat, CsvWriter } from './csv.js';
import type { EventIndex } from './event-index.js';
import type { LastTouch } from './last-touch.js';
import type { ReportScenario } from './scenario-info.js';
import type { Tally } from './tally.js';
import type { ReportWindow } from './times.js';

/** Where a report is: which pass, how far (rows or entries read), of how many when known. */
export interface ReportProgress {
  scenario: string;
  phase: 'events' | 'attribution' | 'sends' | 'forms';
  done: number;
  total?: number;
}

/** Everything a report file reads, gathered once per scenario by build-report.ts. */
export interface ReportContext {
  redis: Redis;
  keys: Keys;
  scenario: ReportScenario;
  window: ReportWindow;
  format: CsvFormat;
  /** When the report was made. */
  now: Date;
  events: EventIndex;
  lastTouch: LastTouch | undefined;
  /** Filled by Global.csv's pass, read by Resume.csv. */
  tally: Tally;
  onProgress?: (progress: ReportProgress) => void;
}

/** One CSV file of the zip: its name, and how its rows are written. */
export interface ReportFile {
  /** The file's name in the zip; undefined when this scenario has none (no form: no Formulaire). */
  name(ctx: ReportContext): string | undefined;
  write(ctx: ReportContext, csv: CsvWriter): Promise<void>;
}
