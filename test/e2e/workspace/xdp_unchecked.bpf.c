// xdp_unchecked.bpf.c — the XDP firewall's parser with its IPv4 bounds check
// forgotten: the kernel verifier refuses it ("invalid access to packet") on
// the line that reads the source address. For trying the squiggles and
// `ebpf-workbench verify`; the fix is the check in ../xdp_firewall.bpf.c.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_unchecked(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	/* Missing: if ((void *)(iph + 1) > data_end) return XDP_DROP; */
	if (iph->saddr == bpf_htonl(0x0a000001))
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
