#!/bin/sh
# sec-ts launcher of a bundle release (one built without `deno compile`): runs
# the bundled program, ../lib/sec-ts/sec-ts.js relative to this script, with
# Deno 2.9.6 (found on PATH, or set SEC_TS_DENO=/path/to/deno).
#   -A               sec-ts narrows Deno's permissions itself (--allow-* flags)
#   --unstable-net   Deno.listenDatagram: fast UDP and Unix datagram inputs
#   --cached-only    the bundle holds all code: nothing is ever downloaded
#   --no-config      a deno.json in the working directory is not picked up
# V8 flags, if ever wanted, go in DENO_V8_FLAGS (read by Deno itself).
self=$(readlink -f -- "$0") || exit 127
bundle="$(dirname -- "$(dirname -- "$self")")/lib/sec-ts/sec-ts.js"
deno=${SEC_TS_DENO:-$(command -v deno)}
if [ -z "$deno" ]; then
  echo "sec-ts: Deno is needed to run this bundle (install it, or set SEC_TS_DENO)" >&2
  exit 127
fi
if [ ! -x "$deno" ]; then
  echo "sec-ts: SEC_TS_DENO=$deno is not an executable file" >&2
  exit 127
fi
DENO_NO_UPDATE_CHECK=1
export DENO_NO_UPDATE_CHECK
exec "$deno" run -A --unstable-net --cached-only --no-config --no-lock "$bundle" "$@"
