/** One plain HTTP POST over a fresh connection, for checks outside the measured loops. */
import http from 'node:http';

export interface RawReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export function post(url: string, body: string, headers: Record<string, string>): Promise<RawReply> {
  const payload = Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(payload.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Throws with the reply's text when the status is not 200. */
export async function post200(url: string, body: string, headers: Record<string, string>, what: string): Promise<RawReply> {
  const r = await post(url, body, headers);
  if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status}\n${r.body.toString('utf8').slice(0, 2000)}`);
  return r;
}

/** GET a JSON document from the admin API (/_emulator/…) with the default host's administrator. */
export function getJson<T>(url: string, authorization: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', agent: false, headers: { Authorization: authorization, Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
        else resolve(JSON.parse(text) as T);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
