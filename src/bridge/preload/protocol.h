/*
 * vkms-ts bridge protocol (keep in sync with src/bridge/protocol.ts; test/bridge checks it).
 *
 * Every message is a 16-byte header followed by `len` payload bytes. Integers are little-endian
 * (x86_64 host order). See src/bridge/README.md for the exchange.
 */
#ifndef VKMS_BRIDGE_PROTOCOL_H
#define VKMS_BRIDGE_PROTOCOL_H

#include <stdint.h>

#define VB_PROTOCOL_VERSION 3u

#define VB_ENV_RUN_DIR "VKMS_BRIDGE"
#define VB_ENV_DEBUG "VKMS_BRIDGE_DEBUG"

/* Largest payload either side accepts. */
#define VB_MAX_PAYLOAD (256u << 20)

struct vb_header {
	uint32_t op;
	uint32_t seq;
	uint32_t len;
	int32_t arg;
};

/* client -> server, on the DRM fd socket (first message) */
#define VB_OP_OPEN 1u       /* struct vb_open; reply VB_OP_OPEN_REPLY */
/* client -> server, on the per-process control socket */
#define VB_OP_HELLO 2u      /* struct vb_hello; then one doorbell byte per request */
/* client -> server, on the request FIFO */
#define VB_OP_IOCTL 3u      /* struct vb_ioctl + argument bytes; reply VB_OP_DONE (payload = out bytes) */
#define VB_OP_MMAP 4u       /* struct vb_mmap; reply VB_OP_DONE (no payload; kind DMABUF: u64 base) */
#define VB_OP_MEM_DATA 5u   /* reply to READ_MEM: arg = 0 or EFAULT, payload = the bytes */
#define VB_OP_MEM_ACK 6u    /* reply to WRITE_MEM: arg = 0 or EFAULT */
#define VB_OP_FD_REPLY 7u   /* reply to NEW_FD / FD_INFO / CLOSE_FD: arg = fd, token or 0, or -errno */
/* client -> server, first message on the fd made for a NEW_FD: a socket connected to <run>/fence.sock
 * (kind FENCE, DMABUF) or to the device node (kind DRM, instead of OPEN; no reply) */
#define VB_OP_ATTACH_FD 8u  /* struct vb_fd: which object this socket stands for */
/* client -> server, on a socket connected to a served file of the tree (a socket outside /dev/dri) */
#define VB_OP_FILE_OPEN 0x10u  /* struct vb_open (minor unused); reply VB_OP_FILE_OPEN_REPLY */
#define VB_OP_FILE_READ 0x11u  /* mode CALLS: arg = count; reply VB_OP_FILE_DATA */
#define VB_OP_FILE_WRITE 0x12u /* mode CALLS: arg = count, payload = the bytes (none when count > VB_FILE_WRITE_MAX); reply VB_OP_FILE_DATA */

/* server -> client */
#define VB_OP_OPEN_REPLY 0x81u /* arg = 0 or errno; struct vb_open_reply */
#define VB_OP_READ_MEM 0x82u   /* struct vb_mem (addr, len) */
#define VB_OP_WRITE_MEM 0x83u  /* u64 addr, then the bytes */
#define VB_OP_DONE 0x84u       /* seq = the request's; arg = 0 or errno; payload = out bytes */
#define VB_OP_NEW_FD 0x85u     /* struct vb_new_fd: make an fd for this object (lowest free number, flags) */
#define VB_OP_FD_INFO 0x86u    /* arg = fd: the token of one of the fds NEW_FD made, or -EBADF / -EINVAL */
#define VB_OP_CLOSE_FD 0x87u   /* arg = fd: close an fd NEW_FD made during this call (the call failed) */
#define VB_OP_FILE_OPEN_REPLY 0x90u /* arg = 0 or errno; struct vb_file_reply */
#define VB_OP_FILE_DATA 0x91u  /* arg = bytes read/written or -errno; payload = the bytes read */

/* vb_file_reply.mode: how read()/write() work on a served file */
#define VB_FILE_RECORDS 1u /* the server writes NUL-terminated records; read() returns exactly one (EINVAL if it does not fit); write() EINVAL */
#define VB_FILE_CALLS 2u   /* read() and write() are FILE_READ / FILE_WRITE calls on the socket */
#define VB_FILE_WRITE_MAX 65536u

/* vb_fd.kind */
#define VB_FD_KIND_FENCE 1u  /* a sync_file: readable once the fence signalled */
#define VB_FD_KIND_DMABUF 2u /* a dma-buf (PRIME export): stands for the buffer while open */
#define VB_FD_KIND_DRM 3u    /* a DRM file the device made (a lessee's, CREATE_LEASE) */
#define VB_FENCE_SOCKET "fence.sock" /* kinds FENCE and DMABUF connect here */

/* vb_ioctl.flags */
#define VB_IOCTL_IN_FAULT 1u /* copying in the argument block faulted (no bytes follow) */

struct vb_open {
	uint32_t flags; /* open(2) flags */
	int32_t pid;
	uint32_t euid;
	uint32_t minor;
	char comm[16];
};

struct vb_open_reply {
	uint32_t token;
	uint32_t minor;
};

struct vb_hello {
	uint32_t version;
	int32_t pid;
	uint32_t euid;
	uint32_t reserved;
	char comm[16];
	char name[64]; /* FIFOs <run>/ch/<name>.req (client->server) and <name>.rsp */
};

struct vb_ioctl {
	uint32_t token;
	uint32_t request;
	uint32_t flags;
	uint32_t reserved;
};

struct vb_mmap {
	uint32_t token;
	int32_t prot;
	int32_t flags;
	uint32_t kind; /* 0: a DRM fd (token = file token); VB_FD_KIND_DMABUF: a dma-buf fd (DONE: u64 gem.shm base) */
	uint64_t offset;
	uint64_t length;
};

struct vb_fd {
	uint32_t kind;
	uint32_t token;
};

struct vb_file_reply {
	uint32_t token;
	uint32_t mode;
};

struct vb_new_fd {
	uint32_t kind;
	uint32_t token;
	uint32_t flags; /* O_CLOEXEC, O_NONBLOCK of the new fd */
	uint32_t minor; /* kind DRM: the node (root/dev/dri/card<minor>) */
};

struct vb_mem {
	uint64_t addr;
	uint64_t len;
};

#endif
