#!/usr/bin/env python3
"""Turns on btrfs simple quotas (Linux 6.7 and later) on a mounted filesystem: usage is charged to
the subvolume that wrote it, so a snapshot costs no accounting of what it shares, and the engine's
per-container limits (`run --disk`) count only what the container writes. btrfs-progs before 6.7
cannot ask for them (`btrfs quota enable --simple`), hence the ioctl. Exits 1 where the kernel
cannot; scripts/start-engine.sh then falls back to full quotas."""
import fcntl
import os
import struct
import sys

BTRFS_IOC_QUOTA_CTL = (3 << 30) | (16 << 16) | (0x94 << 8) | 40  # _IOWR(0x94, 40, {u64 cmd; u64 status})
BTRFS_QUOTA_CTL_ENABLE_SIMPLE_QUOTA = 4

fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.ioctl(fd, BTRFS_IOC_QUOTA_CTL, struct.pack("QQ", BTRFS_QUOTA_CTL_ENABLE_SIMPLE_QUOTA, 0))
except OSError as error:
    print(f"btrfs-simple-quota: {sys.argv[1]}: {error.strerror}", file=sys.stderr)
    sys.exit(1)
