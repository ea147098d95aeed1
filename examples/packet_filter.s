# packet_filter.s — drop IPv4 TCP packets to port 22 (ssh), pass the rest.
#
# Runs on the interpreter's memory contract (`ebpf-workbench run FILE --mem-file
# PACKET`): r1 points at the packet bytes and r2 holds their length. Returns
# 1 (XDP_DROP) or 2 (XDP_PASS). Every packet access is bounds-checked first,
# as the kernel verifier will insist.
        .text
        .globl  packet_filter
packet_filter:
        r0 = 2                          # XDP_PASS unless proven otherwise
        if r2 < 34 goto out             # Ethernet (14) + minimal IPv4 (20)
        r3 = *(u16 *)(r1 + 12)          # EtherType, network byte order
        r3 = be16 r3
        if r3 != 0x800 goto out         # not IPv4
        r3 = *(u8 *)(r1 + 23)           # IPv4 protocol
        if r3 != 6 goto out             # not TCP
        r3 = *(u8 *)(r1 + 14)           # version and header length (IHL)
        r3 &= 15
        r3 <<= 2                        # IPv4 header length in bytes
        if r3 < 20 goto out             # malformed IHL
        r4 = r3
        r4 += 18                        # Ethernet + IPv4 header + 4 bytes of TCP
        if r4 > r2 goto out             # TCP ports beyond the packet
        r4 = r1
        r4 += r3
        r5 = *(u16 *)(r4 + 16)          # TCP destination port: 14 + IHL + 2
        r5 = be16 r5
        if r5 != 22 goto out
        r0 = 1                          # XDP_DROP
out:
        exit
