// socket_filter.bpf.c — a socket filter that keeps only IPv4 TCP segments to
// or from port 80 (HTTP) and truncates nothing else: it returns the number of
// bytes to keep, 0 to drop. Attach it to a raw socket with SO_ATTACH_BPF.
//
//   ebpf-workbench verify examples/socket_filter.bpf.c
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define HTTP_PORT 80

SEC("socket")
int http_only(struct __sk_buff *skb)
{
	struct iphdr iph;
	struct tcphdr tcph;
	__u16 proto;
	__u32 l4;

	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)) < 0)
		return 0;
	if (proto != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &iph, sizeof(iph)) < 0)
		return 0;
	if (iph.protocol != IPPROTO_TCP || iph.ihl < 5)
		return 0;
	l4 = ETH_HLEN + iph.ihl * 4;
	if (bpf_skb_load_bytes(skb, l4, &tcph, sizeof(tcph)) < 0)
		return 0;
	if (tcph.source != bpf_htons(HTTP_PORT) && tcph.dest != bpf_htons(HTTP_PORT))
		return 0;
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
