/** The console for people: the log as readable lines, and the banner of `serve` on a terminal. */
export { formatLogLine, type ConsoleOptions } from './logLine';
export { fixtureAccounts, formatBanner, type BannerAccount, type BannerAdmin, type BannerInfo } from './banner';
export { createConsoleStream, type ConsoleStream } from './stream';
