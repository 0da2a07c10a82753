/** The CIM namespace of the IPAM provider (Root\Microsoft\IPAM). */
export const IPAM_NAMESPACE = 'root/Microsoft/IPAM';
/** Windows' default namespace, where the emulator serves a read-only part of the Win32 classes. */
export const CIMV2_NAMESPACE = 'root/cimv2';
