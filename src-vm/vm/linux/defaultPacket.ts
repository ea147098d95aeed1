// The packet a run gets when none is given: a 64-byte Ethernet/IPv4/UDP frame
// (02:00:00:00:00:01 → 02:00:00:00:00:02, 10.0.0.1:1234 → 10.0.0.2:53), the
// same for the language server's run lens, F5 without a launch.json and the
// debugger, so their results agree. Pure.

/** What the frame is, for the messages that say it was used. */
export const DEFAULT_PACKET_DESCRIPTION = 'the default 64-byte Ethernet/IPv4/UDP frame (10.0.0.1:1234 → 10.0.0.2:53)';

export function defaultPacket(): Uint8Array {
  const frame = new Uint8Array(64);
  frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], 0); // dst, src MAC; IPv4
  frame.set([0x45, 0, 0, 50, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14); // IPv4, UDP, 50 bytes
  frame.set([0x04, 0xd2, 0, 53, 0, 30, 0, 0], 34); // UDP 1234 -> 53, 30 bytes
  return frame;
}

/** Program types BPF_PROG_TEST_RUN runs on a packet. */
const PACKET_TYPES = new Set(['xdp', 'sched_cls', 'sched_act', 'socket_filter', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit']);

export function takesPacket(type: string | undefined): boolean {
  return type !== undefined && PACKET_TYPES.has(type);
}
