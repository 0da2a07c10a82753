/**
 * Summarises a V8 CPU profile (node --cpu-prof): self time per function, per
 * area (src/ directory, npm package, Node core) and the inclusive time of the
 * emulator's own functions, as markdown.
 *
 *   node dist-bench/bench/profile-summary.js <file.cpuprofile> [top]
 */
import { profileMarkdown, summarizeProfile } from './lib/profile';

const [file, top] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node dist-bench/bench/profile-summary.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
process.stdout.write(profileMarkdown(summarizeProfile(file), top ? Number(top) : 20) + '\n');
