"""Runs a command under a seccomp filter like systemd's SystemCallFilter=.

    /usr/bin/python3 seccomp_exec.py ALLOWED_FILE -- COMMAND [ARG...]

ALLOWED_FILE lists the allowed system calls, one per line (the unit's
allow list minus its deny lists, resolved by the caller); every other call
fails with EPERM, as with SystemCallErrorNumber=EPERM. Only the native
architecture is allowed (SystemCallArchitectures=native). Needs the Debian
package python3-seccomp (libseccomp's bindings).
"""
import errno
import os
import sys

import seccomp

allowed_file = sys.argv[1]
assert sys.argv[2] == "--"
command = sys.argv[3:]
f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
unknown = []
with open(allowed_file) as fh:
    for name in fh.read().split():
        try:
            f.add_rule(seccomp.ALLOW, name)
        except (RuntimeError, ValueError, OSError):
            unknown.append(name)  # not a system call of this architecture
f.load()
os.execvp(command[0], command)
