// The debugger benchmark's program: an XDP loop of ~100,000 instructions that
// looks up, updates and increments hash and array map elements every round,
// so the step history has real state to snapshot (maps, stack, packet).
// COUNT_ENTRIES and HIST_ENTRIES size the maps (the bench also builds a
// variant with a 65,536-element hash map and a 1,048,576-element array).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef ROUNDS
#define ROUNDS 3000
#endif
#ifndef COUNT_ENTRIES
#define COUNT_ENTRIES 1024
#endif
#ifndef HIST_ENTRIES
#define HIST_ENTRIES 256
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, COUNT_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HIST_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

SEC("xdp")
int debug_loop(struct xdp_md *ctx)
{
	__u64 acc = ctx->ingress_ifindex;

	for (__u32 i = 0; i < ROUNDS; i++) {
		__u32 key = i & 1023;
		__u64 *v = bpf_map_lookup_elem(&counts, &key);

		if (v) {
			*v += i;
		} else {
			__u64 first = i;

			bpf_map_update_elem(&counts, &key, &first, BPF_ANY);
		}
		__u32 bucket = (acc >> 3) & 255;
		__u64 *h = bpf_map_lookup_elem(&hist, &bucket);

		if (h)
			*h += 1;
		acc = acc * 31 + i;
	}
	return acc & 1 ? XDP_PASS : XDP_DROP;
}
