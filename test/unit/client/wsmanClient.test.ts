/**
 * WsmanClient against a scripted fake WS-Man server on a real socket: the
 * enumeration sequence (Enumerate, Pull…, Release when a Pull fails) and the
 * a:RelatesTo check.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WsmanFaultError, WsmanTransportError } from '../../../src/client/transport';
import { WsmanClient } from '../../../src/client/wsmanClient';
import { ACTION, NS } from '../../../src/wsman/namespaces';
import { child, parseXml, textOf, type XmlElement } from '../../../src/xml/parse';

interface Seen {
  action: string;
  context: string | undefined;
  messageId: string;
}

const servers: http.Server[] = [];
const clients: WsmanClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve)).then(() => s.closeAllConnections())));
});

/** A server that answers each request with `script(request)`: [status, body]. */
async function scripted(script: (req: Seen, n: number) => [number, string]): Promise<{ client: WsmanClient; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const env = parseXml(body);
      const header = child(env, NS.soap, 'Header') as XmlElement;
      const payload = (child(env, NS.soap, 'Body') as XmlElement).children.find((c): c is XmlElement => typeof c !== 'string');
      const ctx = payload ? child(payload, NS.enumeration, 'EnumerationContext') : undefined;
      const request = {
        action: textOf(child(header, NS.addressing, 'Action') as XmlElement),
        messageId: textOf(child(header, NS.addressing, 'MessageID') as XmlElement),
        context: ctx ? textOf(ctx) : undefined,
      };
      seen.push(request);
      const [status, xml] = script(request, seen.length);
      res.writeHead(status, { 'Content-Type': 'application/soap+xml;charset=UTF-8' }).end(xml);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new WsmanClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wsman` });
  clients.push(client);
  return { client, seen };
}

const envelope = (relatesTo: string, body: string): string =>
  `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:n="${NS.enumeration}" xmlns:w="${NS.wsman}" xmlns:p="urn:cls">` +
  `<s:Header><a:RelatesTo>${relatesTo}</a:RelatesTo></s:Header><s:Body>${body}</s:Body></s:Envelope>`;

const FAULT = `<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value></s:Subcode></s:Code><s:Reason><s:Text>pull broke</s:Text></s:Reason></s:Fault>`;

test('Enumerate then Pull until EndOfSequence, items in order', async () => {
  const { client, seen } = await scripted((req, n) => {
    if (n === 1) return [200, envelope(req.messageId, '<n:EnumerateResponse><n:EnumerationContext>c1</n:EnumerationContext><w:Items><p:C><p:K>1</p:K></p:C></w:Items></n:EnumerateResponse>')];
    if (n === 2) return [200, envelope(req.messageId, '<n:PullResponse><n:EnumerationContext>c2</n:EnumerationContext><n:Items><p:C><p:K>2</p:K></p:C></n:Items></n:PullResponse>')];
    return [200, envelope(req.messageId, '<n:PullResponse><n:Items><p:C><p:K>3</p:K></p:C></n:Items><n:EndOfSequence/></n:PullResponse>')];
  });
  expect(await client.enumerate('urn:cls')).toEqual([{ K: '1' }, { K: '2' }, { K: '3' }]);
  expect(seen.map((s) => [s.action, s.context])).toEqual([
    [ACTION.enumerate, undefined],
    [ACTION.pull, 'c1'],
    [ACTION.pull, 'c2'],
  ]);
});

test('a Pull that faults Releases the context it was pulling, and the fault reaches the caller', async () => {
  const { client, seen } = await scripted((req, n) => {
    if (n === 1) return [200, envelope(req.messageId, '<n:EnumerateResponse><n:EnumerationContext>c1</n:EnumerationContext><w:Items/></n:EnumerateResponse>')];
    if (req.action === ACTION.pull) return [500, envelope(req.messageId, FAULT)];
    return [200, envelope(req.messageId, '')];
  });
  await expect(client.enumerate('urn:cls')).rejects.toBeInstanceOf(WsmanFaultError);
  expect(seen.map((s) => [s.action, s.context])).toEqual([
    [ACTION.enumerate, undefined],
    [ACTION.pull, 'c1'],
    [ACTION.release, 'c1'],
  ]);
});

test('a reply that relates to another message is refused', async () => {
  const { client } = await scripted(() => [200, envelope('uuid:00000000-0000-0000-0000-000000000000', '<p:C><p:K>1</p:K></p:C>')]);
  await expect(client.get('urn:cls', { K: '1' })).rejects.toBeInstanceOf(WsmanTransportError);
});
