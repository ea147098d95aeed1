// tc_counter.bpf.c — a TC ingress program that counts packets and bytes per
// IP protocol (TCP, UDP, ICMP, …; IPv4 and IPv6) in a hash map and lets every
// packet through.
//
//   ebpf-workbench verify examples/tc_counter.bpf.c
//   tc qdisc add dev eth0 clsact && tc filter add dev eth0 ingress bpf da obj tc_counter.bpf.o sec tc
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u8);	/* IP protocol number */
	__type(value, struct counters);
} by_protocol SEC(".maps");

static __always_inline void account(__u8 protocol, __u32 len)
{
	struct counters *c = bpf_map_lookup_elem(&by_protocol, &protocol);

	if (!c) {
		struct counters first = { .packets = 1, .bytes = len };

		bpf_map_update_elem(&by_protocol, &protocol, &first, BPF_NOEXIST);
		return;
	}
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, len);
}

SEC("tc")
int tc_counter(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) <= data_end)
			account(iph->protocol, skb->len);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) <= data_end)
			account(ip6h->nexthdr, skb->len);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
