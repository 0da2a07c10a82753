/**
 * The baseline: a bare node:http server that answers every request with the
 * fixed bytes of the emulator's reply to an authenticated Identify. It reads the
 * request body to its end, as any server must, and does nothing else: the
 * floor of what a Node HTTP server on this machine costs per request.
 *
 *   node dist-bench/bench/baseline-server.js <port> <reply-file> <content-type>
 */
import fs from 'node:fs';
import http from 'node:http';

const [portArg, replyFile, contentType] = process.argv.slice(2);
if (!portArg || !replyFile || !contentType) {
  process.stderr.write('usage: baseline-server <port> <reply-file> <content-type>\n');
  process.exit(2);
}
const reply = fs.readFileSync(replyFile);
const headers = { Server: 'Microsoft-HTTPAPI/2.0', 'Content-Type': contentType, 'Content-Length': String(reply.length) };

const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(reply);
  });
});
server.keepAliveTimeout = 120_000; // as the emulator's listener
server.listen(Number(portArg), '127.0.0.1');
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
