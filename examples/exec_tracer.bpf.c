// exec_tracer.bpf.c — traces every execve(2): on the syscall's entry
// tracepoint it sends the caller's pid, uid, command name and the path being
// executed to user space through a ring buffer.
//
//   ebpf-workbench verify examples/exec_tracer.bpf.c
//   (the record layout is struct exec_event below; read it with libbpf's ring_buffer__poll)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PATH_LEN 128

/* The tracepoint's record (tracing/events/syscalls/sys_enter_execve/format). */
struct sys_enter_execve {
	__u64 common;		/* common_type, common_flags, common_preempt_count, common_pid */
	__s32 syscall_nr;
	__u32 pad;
	const char *filename;
	const char *const *argv;
	const char *const *envp;
};

struct exec_event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	char path[PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct sys_enter_execve *ctx)
{
	struct exec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->path, sizeof(e->path), ctx->filename) < 0)
		e->path[0] = '\0';
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
