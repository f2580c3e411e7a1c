/** cluster/controllers/cronjob: the CronJob controller and its cron parser. */
export { startCronJobController, jobFromTemplate, jobsToPrune, CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION } from './controller.js';
export type { CronJobController, CronJobControllerOptions } from './controller.js';
export { parseCron, nextAfter, wallTime, isValidTimeZone, localTimeZone, formatRFC3339InZone, CronParseError } from './cron.js';
export type { CronSchedule, WallTime } from './cron.js';
export { mostRecentScheduleTime, requeueDelayMs, jobNameFor, TOO_MANY_MISSED } from './schedule.js';
export type { MostRecent, ScheduleWindow } from './schedule.js';
