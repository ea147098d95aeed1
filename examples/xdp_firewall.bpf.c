// xdp_firewall.bpf.c — an XDP firewall: drops IPv4 packets whose source
// address falls in a blocked prefix (an LPM trie the user fills), passes the
// rest, and counts each verdict per CPU. Understands 802.1Q/802.1ad VLAN tags.
//
//   ebpf-workbench verify examples/xdp_firewall.bpf.c
//   bpftool map update pinned /sys/fs/bpf/blocked key 8 0 0 0 10 0 0 0 value 1 0 0 0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct ipv4_prefix {
	__u32 prefixlen;	/* bits of addr that count, 0..32 */
	__u32 addr;		/* network byte order */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ipv4_prefix);
	__type(value, __u32);
} blocked SEC(".maps");

enum verdict { VERDICT_PASS, VERDICT_DROP, VERDICT_MALFORMED, VERDICT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VERDICT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

struct vlan_hdr {
	__be16 tci;
	__be16 encapsulated_proto;
};

static __always_inline int count(__u32 verdict, int action)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &verdict);

	if (n)
		*n += 1;
	return action;
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv4_prefix key;
	struct iphdr *iph;
	void *cursor;
	__u16 proto;

	if ((void *)(eth + 1) > data_end)
		return count(VERDICT_MALFORMED, XDP_DROP);
	proto = eth->h_proto;
	cursor = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *vlan = cursor;

		if ((void *)(vlan + 1) > data_end)
			return count(VERDICT_MALFORMED, XDP_DROP);
		proto = vlan->encapsulated_proto;
		cursor = vlan + 1;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return count(VERDICT_PASS, XDP_PASS);
	iph = cursor;
	if ((void *)(iph + 1) > data_end || iph->ihl < 5)
		return count(VERDICT_MALFORMED, XDP_DROP);
	key.prefixlen = 32;
	key.addr = iph->saddr;
	if (bpf_map_lookup_elem(&blocked, &key))
		return count(VERDICT_DROP, XDP_DROP);
	return count(VERDICT_PASS, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
