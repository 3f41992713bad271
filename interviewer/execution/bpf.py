"""Seccomp filters for the sandboxed child, written as classic BPF in plain Python.

Two filters stack. The first is handed to bubblewrap, which loads it just before it starts the
interpreter, so it cannot refuse `execve` or executable mappings the interpreter needs to start.
The child loads the second itself once it is running, before any candidate code: from then on no
program can be started and no new executable memory can be made. Filters can only be added, never
removed, so candidate code cannot undo either.

This module is imported by the app and by the child (which sees only a few files), so it imports
nothing from the project.
"""

from __future__ import annotations

import errno
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
CLONE_THREAD = 0x00010000
PROT_EXEC = 0x4

RET_ALLOW = 0x7FFF0000
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000

# Offsets into struct seccomp_data: nr, arch, instruction pointer, then six 64-bit arguments.
NR_OFFSET = 0
ARCH_OFFSET = 4
ARGS_OFFSET = 16

LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
JSET_K = 0x45
RET_K = 0x06

# x86-64 numbers of the calls the first filter refuses: networking, new processes, namespaces and
# mounts, tracing and reading other processes, kernel modules and keys, and kernel attack surface
# a Python program never needs.
X86_64_REFUSED_AT_START = {
    "socket": 41, "connect": 42, "accept": 43, "bind": 49, "listen": 50, "socketpair": 53, "accept4": 288,
    "fork": 57, "vfork": 58, "ptrace": 101, "chroot": 161, "mount": 165, "umount2": 166, "pivot_root": 155,
    "swapon": 167, "swapoff": 168, "reboot": 169, "sethostname": 170, "setdomainname": 171, "iopl": 172,
    "ioperm": 173, "init_module": 175, "delete_module": 176, "quotactl": 179, "acct": 163, "personality": 135,
    "kexec_load": 246, "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272, "setns": 308,
    "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "finit_module": 313, "memfd_create": 319,
    "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323, "perf_event_open": 298, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428, "move_mount": 429, "fsopen": 430,
    "fsconfig": 431, "fsmount": 432, "fspick": 433, "pidfd_open": 434, "pidfd_getfd": 438, "process_madvise": 440,
    "mount_setattr": 442,
}  # fmt: skip
X86_64_CLONE = 56
X86_64_CLONE3 = 435
X86_64_EXECVE = 59
X86_64_EXECVEAT = 322
X86_64_MMAP = 9
X86_64_MPROTECT = 10
X86_64_PKEY_MPROTECT = 329


class UnsupportedMachine(Exception):
    pass


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _errno(number: int) -> int:
    return RET_ERRNO | number


def _header() -> list[bytes]:
    """Kill anything that is not a native x86-64 call, so another ABI cannot sidestep the numbers."""
    return [
        _insn(LD_W_ABS, 0, 0, ARCH_OFFSET),
        _insn(JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        _insn(RET_K, 0, 0, RET_KILL_PROCESS),
        _insn(LD_W_ABS, 0, 0, NR_OFFSET),
        _insn(JGE_K, 0, 1, X32_SYSCALL_BIT),
        _insn(RET_K, 0, 0, RET_KILL_PROCESS),
    ]


def _refuse(number: int, code: int = errno.EPERM) -> list[bytes]:
    return [_insn(JEQ_K, 0, 1, number), _insn(RET_K, 0, 0, _errno(code))]


def _when_arg_has(number: int, arg: int, mask: int, then: int, otherwise: int) -> list[bytes]:
    """For call `number`: return `then` if argument `arg` has any bit of `mask`, else `otherwise`.

    The low 32 bits of the argument are enough for the flags tested here.
    """
    body = [
        _insn(LD_W_ABS, 0, 0, ARGS_OFFSET + 8 * arg),
        _insn(JSET_K, 0, 1, mask),
        _insn(RET_K, 0, 0, then),
        _insn(RET_K, 0, 0, otherwise),
    ]
    return [_insn(JEQ_K, 0, len(body), number), *body]


def _check_machine() -> None:
    if platform.machine() not in ("x86_64", "AMD64"):
        raise UnsupportedMachine(f"no system-call filter is written for {platform.machine() or 'this CPU'}")


def start_filter() -> bytes:
    """The filter bubblewrap loads: everything but `execve` and executable mappings is decided here."""
    _check_machine()
    program = _header()
    for number in sorted(X86_64_REFUSED_AT_START.values()):
        program += _refuse(number)
    # Threads are allowed (clone with CLONE_THREAD); a new process is not. clone3 passes its flags in
    # memory that a filter cannot read, so it says "not implemented" and the C library falls back to clone.
    program += _when_arg_has(X86_64_CLONE, 0, CLONE_THREAD, RET_ALLOW, _errno(errno.EPERM))
    program += _refuse(X86_64_CLONE3, errno.ENOSYS)
    program.append(_insn(RET_K, 0, 0, RET_ALLOW))
    return b"".join(program)


def running_filter() -> bytes:
    """The filter the child adds before candidate code: no programs, and no memory can become executable.

    Nothing can be mapped executable from then on, neither a library nor anonymous memory, so no native
    code can be loaded; the child imports the native modules answers use before it adds this filter.
    """
    _check_machine()
    program = _header()
    program += _refuse(X86_64_EXECVE)
    program += _refuse(X86_64_EXECVEAT)
    for number in (X86_64_MMAP, X86_64_MPROTECT, X86_64_PKEY_MPROTECT):
        program += _when_arg_has(number, 2, PROT_EXEC, _errno(errno.EPERM), RET_ALLOW)
    program.append(_insn(RET_K, 0, 0, RET_ALLOW))
    return b"".join(program)
