// Helpers that may move or resize packet data (bpf_helper_changes_pkt_data):
// after a call to one, every packet pointer the program holds — in any
// frame's registers or spilled on any stack — is stale, and the kernel turns
// it into an unknown scalar (clear_all_pkt_pointers; mark_reg_invalid for a
// privileged loader). Pure; the call check applies it after the return value.

import { HELPERS } from '../../isa/helpers.generated';
import { unknownScalar, type RegState } from '../regState';
import type { VerifierState } from '../state';

const CHANGES_PKT_DATA_NAMES = [
  'clone_redirect', 'l3_csum_replace', 'l4_csum_replace', 'lwt_push_encap', 'lwt_seg6_action', 'lwt_seg6_adjust_srh',
  'lwt_seg6_store_bytes', 'msg_pop_data', 'msg_pull_data', 'msg_push_data', 'skb_adjust_room', 'skb_change_head',
  'skb_change_proto', 'skb_change_tail', 'skb_pull_data', 'skb_store_bytes', 'skb_vlan_pop', 'skb_vlan_push',
  'store_hdr_opt', 'xdp_adjust_head', 'xdp_adjust_meta', 'xdp_adjust_tail',
  // A tail-called program could call any of the above.
  'tail_call',
] as const;

/** Helper ids after whose call packet pointers are no longer valid. */
export const CHANGES_PKT_DATA: ReadonlySet<number> = new Set(
  HELPERS.filter((h) => (CHANGES_PKT_DATA_NAMES as readonly string[]).includes(h.name)).map((h) => h.id),
);

function isPktAny(r: RegState): boolean {
  return r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end';
}

/** clear_all_pkt_pointers: every packet pointer of every frame, in registers and stack spills, becomes scalar(). */
export function clearAllPktPointers(st: VerifierState): void {
  for (const f of st.frames) {
    f.regs.forEach((r, i) => { if (isPktAny(r)) f.regs[i] = unknownScalar(); });
    f.stack.spills.forEach((r, i) => { if (r && isPktAny(r)) f.stack.spills[i] = unknownScalar(); });
  }
}
