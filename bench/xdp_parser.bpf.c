/* Benchmark program: a realistic XDP parser (Ethernet, up to two VLAN tags,
 * IPv4 with options, IPv6 with extension headers, TCP/UDP ports) and a
 * per-flow hash-map lookup and update. */
#include "../test/fixtures/progrun/common.h"

struct flow { __u32 proto; __u16 sport, dport; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow);
	__type(value, __u64);
} flows SEC(".maps");

SEC("xdp") int xdp_parser(struct xdp_md *ctx)
{
	struct parsed p;
	int r = parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &p);
	if (r < 0)
		return XDP_DROP;
	struct flow f = { .proto = p.proto << 8 | p.l4, .sport = p.sport, .dport = p.dport };
	__u64 *count = bpf_map_lookup_elem(&flows, &f);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return XDP_PASS;
	}
	__u64 one = 1;
	bpf_map_update_elem(&flows, &f, &one, BPF_ANY);
	return p.l4 == IPPROTO_TCP ? XDP_PASS : XDP_TX;
}
