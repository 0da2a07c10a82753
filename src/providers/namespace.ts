/** The CIM namespace of the IPAM provider (Root\Microsoft\IPAM). */
export const IPAM_NAMESPACE = 'root/Microsoft/IPAM';
