/**
 * 4. Memory: the emulator child's RSS sampled every 10,000 requests across
 * 100,000 (a mix of Identify, Get and Enumerate, 16 keep-alive connections,
 * autocannon `amount`), and the growth after the warm-up (the first 20,000);
 * plus the RSS after 1,000 provisioned hosts, from section 3.
 */
import fs from 'node:fs';
import { startEmulator, tempDir, type Memory } from '../lib/children';
import { ADMIN_BASIC, IDENTIFY, IPAM_SERVER_URI, SOAP_CONTENT_TYPE, enumerateRequest, getIpamServer } from '../lib/envelopes';
import { runLoad } from '../lib/load';
import { fmtMB, fmtRate } from '../lib/stats';
import { table, type BenchConfig, type Section } from '../lib/report';

interface Sample {
  readonly requests: number;
  readonly mem: Memory;
}

export async function memorySection(cfg: BenchConfig, rssAfter1000: Memory | undefined): Promise<Section> {
  const total = cfg.quick ? 20_000 : 100_000;
  const every = total / 10;
  const warmup = total / 5;
  const dataDir = tempDir('ipam-bench-memory-');
  const emu = await startEmulator({ label: 'emulator (memory)', dataDir });
  const samples: Sample[] = [];
  const notes: string[] = [];
  let rps = NaN;
  let non2xx = 0;
  try {
    samples.push({ requests: 0, mem: emu.memory() });
    let next = every;
    const result = await runLoad({
      url: emu.url,
      connections: 16,
      amount: total,
      headers: { 'Content-Type': SOAP_CONTENT_TYPE, Authorization: ADMIN_BASIC },
      // Each connection cycles through the three; the Enumerate (OptimizeEnumeration) ends in its first reply, so no context stays open.
      requests: [{ body: IDENTIFY }, { body: getIpamServer() }, { body: enumerateRequest(IPAM_SERVER_URI, 32) }],
      onReply: (done) => {
        if (done >= next) {
          samples.push({ requests: done, mem: emu.memory() });
          next += every;
        }
      },
    });
    rps = result.rps;
    non2xx = result.non2xx + result.errors + result.timeouts;
    if (samples[samples.length - 1]?.requests !== total) samples.push({ requests: total, mem: emu.memory() });
    if (emu.logCount > 0) notes.push(`The emulator logged ${emu.logCount} warning/error lines, e.g. \`${emu.logLines[0]?.msg}\``);
  } finally {
    await emu.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const atWarm = samples.find((s) => s.requests >= warmup);
  const last = samples[samples.length - 1];
  const growthKb = atWarm && last ? last.mem.rssKb - atWarm.mem.rssKb : NaN;
  cfg.log(`  ${total} requests at ${fmtRate(rps)} req/s; RSS ${samples.map((s) => fmtMB(s.mem.rssKb)).join(' → ')} MB; growth after warm-up ${fmtMB(growthKb)} MB`);
  const after = samples.filter((x) => x.requests >= warmup).map((x) => x.mem.rssKb);
  const range = after.length ? `${fmtMB(Math.min(...after))}–${fmtMB(Math.max(...after))} MB` : '–';
  // The lowest sample of each half after the warm-up: closest to the live heap, least noisy under GC.
  const half = Math.ceil(after.length / 2);
  const floors = after.length >= 4 ? [Math.min(...after.slice(0, half)), Math.min(...after.slice(half))] : undefined;
  const perReq = atWarm && last && last.requests > atWarm.requests ? (growthKb * 1024) / (last.requests - atWarm.requests) : NaN;
  const markdown = [
    `${total.toLocaleString('en-US')} requests (Identify, Get MSFT_IPAM_Server and Enumerate MSFT_IPAM_Server in turn, 16 keep-alive connections, ${fmtRate(rps)} req/s, ${non2xx} not 2xx) on one fresh emulator child; ` +
      `VmRSS read from /proc every ${every.toLocaleString('en-US')} replies.`,
    '',
    table(
      ['Requests', 'VmRSS MB', 'VmHWM (peak) MB'],
      samples.map((s) => [s.requests.toLocaleString('en-US'), fmtMB(s.mem.rssKb), fmtMB(s.mem.hwmKb)]),
    ),
    '',
    `Growth after the warm-up (from ${atWarm?.requests.toLocaleString('en-US') ?? '?'} to ${last?.requests.toLocaleString('en-US') ?? '?'} requests): ` +
      `${Number.isFinite(growthKb) ? `${(growthKb / 1024).toFixed(1)} MB (${perReq.toFixed(1)} bytes per request)` : '–'}. ` +
      `After the warm-up the samples range over ${range}` +
      (floors ? `; the lowest sample of the first half after warm-up is ${fmtMB(floors[0])} MB and of the second half ${fmtMB(floors[1])} MB` : '') +
      '. ' +
      'RSS includes garbage not yet collected, so movement within that range is the collector at work; a steady climb across the samples would be a leak.',
    '',
    `RSS after 1,000 provisioned hosts (section 3b, ThrottleLimit 32): ${rssAfter1000 ? `${fmtMB(rssAfter1000.rssKb)} MB (peak ${fmtMB(rssAfter1000.hwmKb)} MB)` : 'not measured in this run'}.`,
  ].join('\n');
  return { id: 'memory', title: '4. Memory', markdown, floors: [], notes };
}
