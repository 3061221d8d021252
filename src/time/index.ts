export { systemClock, VirtualClock, type Clock } from './clock.js';
export { addDuration, resolveWait, subtractDuration, type WaitResult } from './durations.js';
export { parseDateTime } from './parse.js';
export { MAX_DAYS_AHEAD, SendWindow } from './window.js';
export { nextWeekStart, weekStart } from './week.js';
export { TimeZone } from './zone.js';
