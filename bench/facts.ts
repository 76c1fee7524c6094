/**
 * Figures one bench section measures and a later one (the budget) uses.
 * @module
 */
export interface Facts {
  /** KV reads one warm isolate makes for list requests in a day of steady traffic. */
  httpReadsPerIsolateDay?: number;
  /** The cron's KV reads and writes in that day (1 merchant, polls every 4 h, nothing new). */
  cronReadsPerDay?: number;
  cronWritesPerDay?: number;
  /** The same with an alert channel configured. */
  httpReadsPerIsolateDayAlerts?: number;
  cronReadsPerDayAlerts?: number;
  /** KV writes of one poll: nothing new, one new complaint (without / with alert channels). */
  writesUnchanged?: number;
  writesOneNew?: number;
  writesUnchangedAlerts?: number;
  writesOneNewAlerts?: number;
  /** Ticks a webhook needs to send the alerts of a first poll of 10,000 (one write each). */
  webhookBacklogTicks?: number;
  /** KV reads of a cold list request (a fresh isolate): 2 per merchant. */
  readsColdRequest?: number;
  /** The largest merchant list (complaints) whose cron tick / fresh-isolate list request fits 10 ms of CPU. */
  maxComplaintsCron?: number;
  /** The same for a cron tick that polls and finds nothing new (most polls). */
  maxComplaintsCronRepoll?: number;
  maxComplaintsHttp?: number;
  /** Queue operations a day per merchant with the poll queue: 3 per message (write, read, delete), one message per poll. */
  queueOpsPerMerchantDay?: number;
}
