# unchecked_read.bpf.s — an XDP program in eBPF assembly that reads the
# packet without checking it against data_end first: the verifier refuses
# the load on the line marked below. Fixture of the assembly e2e scenario.
        .section xdp,"ax",@progbits
        .globl  unchecked_read
unchecked_read:
        r2 = *(u32 *)(r1 + 0)           # ctx->data
        r3 = *(u32 *)(r1 + 4)           # ctx->data_end
        r0 = *(u8 *)(r2 + 12)           # EtherType byte, never bounds-checked
        r0 = 2                          # XDP_PASS
        exit
