/** The console for people: the log as readable lines, and the banner of `serve` on a terminal. */
export { formatLogLine, type ConsoleOptions } from './logLine';
export { formatBanner, type BannerAccount, type BannerInfo } from './banner';
export { createConsoleStream, type ConsoleStream } from './stream';
