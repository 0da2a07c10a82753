/**
 * What Format-Table and Format-List write to the pipeline. As in PowerShell they are not the
 * objects formatted but formatting instructions: one object per packet, typed
 * Microsoft.PowerShell.Commands.Internal.Format.FormatStartData, GroupStartData,
 * FormatEntryData, GroupEndData and FormatEndData, so `(… | Format-Table).Count` is the row
 * count plus four. Each is a PsObject without properties whose packet is kept aside (in a
 * WeakMap, invisible to scripts); Out-Default, Out-Host and Out-String recognise them and write
 * their packets, any other command sees an opaque object whose ToString is its type name.
 */
import { PsObject, type PsValue } from '../runtime/values';
import type { FormatPacket } from './packets';

const NAMESPACE = 'Microsoft.PowerShell.Commands.Internal.Format';

const CLASS_OF: Readonly<Record<FormatPacket['type'], string>> = {
  formatStart: 'FormatStartData',
  groupStart: 'GroupStartData',
  entry: 'FormatEntryData',
  groupEnd: 'GroupEndData',
  formatEnd: 'FormatEndData',
};

const packets = new WeakMap<PsObject, FormatPacket>();

/** The pipeline object carrying a packet. */
export function formatObject(packet: FormatPacket): PsObject {
  const typeName = `${NAMESPACE}.${CLASS_OF[packet.type]}`;
  const obj = new PsObject([typeName, `${NAMESPACE}.PacketInfoData`, 'System.Object'], [], { text: typeName });
  packets.set(obj, packet);
  return obj;
}

/** The packet a Format-* object carries, or undefined for any other value. */
export function formatPacketOf(value: PsValue | undefined): FormatPacket | undefined {
  return value instanceof PsObject ? packets.get(value) : undefined;
}
