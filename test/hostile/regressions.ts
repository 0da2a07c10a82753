/**
 * Hostile requests the emulator once mishandled, found by this suite and fixed:
 * each was served (HTTP 200) where it should have been refused. They now run in
 * the corpus like every other case (hostile.test.ts); `was` records the old
 * answer and `reason` the source of the expected refusal, so a regression names
 * its cause. Two more were scenarios rather than requests and live with their
 * tests: the fault for too many open enumerations (enumerations.test.ts) and the
 * late cut-off of slow-drip clients (slow.test.ts).
 */
import { ACTION, envelope } from '../support/soap';
import {
  ACTION_EL,
  ANONYMOUS,
  IPAM_SERVER_URI,
  MAX_ENVELOPE_EL,
  REPLY_TO_EL,
  RESOURCE_EL,
  SELECTOR_DIALECT,
  addHeader,
  fault,
  id,
  inEnumerate,
  type HostileCase,
} from './corpus';

export interface Regression extends HostileCase {
  readonly target: string;
  /** The refusal we believe is right. */
  readonly expect: NonNullable<HostileCase['expect']>;
  /** What the emulator answered before the fix, for the record. */
  readonly was: string;
  /** Why that was wrong, with the source of the expectation. */
  readonly reason: string;
}

const SPLIT = '<x:Split xmlns:x="urn:hostile"/>';
const selectorFilter = (selectorSetContent: string): string =>
  envelope({
    action: ACTION.enumerate,
    resourceUri: IPAM_SERVER_URI,
    body: `<n:Enumerate><w:OptimizeEnumeration/><w:Filter Dialect="${SELECTOR_DIALECT}"><w:SelectorSet>${selectorSetContent}</w:SelectorSet></w:Filter></n:Enumerate>`,
    messageId: id(1),
  });

export const REGRESSIONS: readonly Regression[] = [
  {
    name: 'p:ActivityId: 2,049 characters, on a valid Enumerate',
    target: 'p:ActivityId',
    body: addHeader(`<p:ActivityId s:mustUnderstand="false">${'a'.repeat(2049)}</p:ActivityId>`),
    expect: fault('a:InvalidMessageInformationHeader'),
    was: 'HTTP 200 EnumerateResponse: the ActivityId is not checked at all',
    reason:
      'MS-WSMV 3.1.4.1.12: the value MUST NOT exceed 2048 characters, and if it does the server SHOULD return wsa:InvalidMessageInformationHeader ' +
      '(docs/research/wsman-facts.md §1 lists it with MessageID). src/wsman/request.ts checks the length of MessageID only.',
  },
  {
    name: 'p:ActivityId: 100 KB, on a valid Enumerate',
    target: 'p:ActivityId',
    body: addHeader(`<p:ActivityId>${'A'.repeat(100_000)}</p:ActivityId>`),
    expect: fault('a:InvalidMessageInformationHeader'),
    was: 'HTTP 200 EnumerateResponse',
    reason: 'As above (MS-WSMV 3.1.4.1.12), at an absurd size.',
  },
  {
    name: 'a:Action: the Enumerate Action split by an element',
    target: 'a:Action',
    body: inEnumerate(ACTION_EL, `<a:Action s:mustUnderstand="true">${ACTION.enumerate.slice(0, 50)}${SPLIT}${ACTION.enumerate.slice(50)}</a:Action>`),
    expect: fault('a:InvalidMessageInformationHeader'),
    was: 'HTTP 200 EnumerateResponse: the element is dropped and the text either side joined into a valid Action',
    reason:
      'wsa:Action is an xs:anyURI with simple content; an element inside makes the header invalid (WS-Addressing 2004/08 §3: ' +
      'wsa:InvalidMessageInformationHeader). headerText() in src/wsman/request.ts reads textOf(), which skips child elements, ' +
      'so markup a client or a proxy smuggles into a header vanishes instead of being refused.',
  },
  {
    name: 'w:ResourceURI: the class name split by an element',
    target: 'w:ResourceURI',
    body: inEnumerate(RESOURCE_EL, `<w:ResourceURI s:mustUnderstand="true">${IPAM_SERVER_URI.slice(0, -6)}${SPLIT}${IPAM_SERVER_URI.slice(-6)}</w:ResourceURI>`),
    expect: fault('a:DestinationUnreachable', 'InvalidResourceURI'),
    was: 'HTTP 200 EnumerateResponse of MSFT_IPAM_Server',
    reason:
      'A malformed ResourceURI is a:DestinationUnreachable / InvalidResourceURI (docs/research/wsman-facts.md §1, from WinRM\'s fault table); ' +
      'the same textOf() reading turns this one into a valid URI.',
  },
  {
    name: "w:MaxEnvelopeSize: '512000' split by an element",
    target: 'w:MaxEnvelopeSize',
    body: inEnumerate(MAX_ENVELOPE_EL, `<w:MaxEnvelopeSize s:mustUnderstand="true">512${SPLIT}000</w:MaxEnvelopeSize>`),
    expect: fault('a:InvalidMessageInformationHeader'),
    was: 'HTTP 200 EnumerateResponse',
    reason: 'The emulator\'s own answer for a MaxEnvelopeSize that is not a positive integer (src/wsman/request.ts); the element is dropped unseen.',
  },
  {
    name: 'a:ReplyTo: two Addresses, the second not anonymous',
    target: 'a:ReplyTo',
    body: inEnumerate(REPLY_TO_EL, `<a:ReplyTo><a:Address>${ANONYMOUS}</a:Address><a:Address>http://evil.example/collect</a:Address></a:ReplyTo>`),
    expect: fault('w:UnsupportedFeature', 'AddressingMode'),
    was: 'HTTP 200 EnumerateResponse: only the first Address is read',
    reason:
      'MS-WSMV 3.1.4.1.3: a server MUST return w:UnsupportedFeature / AddressingMode for a ReplyTo value other than the anonymous URI; ' +
      'an endpoint reference has exactly one Address (WS-Addressing 2004/08 §2.1), so this ReplyTo is not the anonymous one.',
  },
  {
    name: 'enumerate: a SelectorFilter value holding a quote',
    target: 'Enumerate',
    body: selectorFilter("<w:Selector Name=\"Name\">IP Address Management (IPAM) Server' or 'a'='a</w:Selector>"),
    expect: fault('n:CannotProcessFilter'),
    was: 'HTTP 200 EnumerateResponse with no items',
    reason:
      'MS-WSMV 3.1.4.1.13: a Selector filter whose value contains a double or single quotation mark MUST be rejected, and the server ' +
      'SHOULD return wsen:CannotProcessFilter. src/wsman/ops/enumerate.ts readFilter() checks names and types, not values.',
  },
  {
    name: 'enumerate: a SelectorFilter whose SelectorSet holds no Selector, only an element and text',
    target: 'Enumerate',
    body: selectorFilter('<x:NotASelector xmlns:x="urn:hostile" Name="Name">x</x:NotASelector>loose text'),
    expect: fault('n:CannotProcessFilter'),
    was: 'HTTP 200 EnumerateResponse with every instance: the filter silently matches everything',
    reason:
      'MS-WSMV 3.1.4.1.13: a filter expression that does not conform SHOULD get wsen:CannotProcessFilter. readFilter() keeps only the ' +
      'w:Selector children, so garbage becomes an empty filter that selects all, where the same SelectorSet as a header is ' +
      'w:InvalidSelectors (src/wsman/request.ts parseSelectorSet).',
  },
];
