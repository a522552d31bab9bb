#!/bin/sh
# Installs this sec-ts release: copies root/ into ${DESTDIR:-/} (existing files
# under etc/sec-ts are kept), then, when installing into / with systemd
# running, creates the user and directories and reloads systemd.
#   sudo ./install.sh            install
#   DESTDIR=/tmp/x ./install.sh  stage into another root (nothing else done)
set -eu
here=$(dirname -- "$(readlink -f -- "$0")")
dest=${DESTDIR:-/}
case "$dest" in /*) ;; *) dest="$PWD/$dest" ;; esac # relative to where it was run
cd "$here/root"
find . -type d | while read -r d; do mkdir -p "$dest/${d#./}"; done
find . ! -type d | while read -r f; do
  f=${f#./}
  case "$f" in
    etc/sec-ts/*) [ -e "$dest/$f" ] && { echo "keeping $dest/$f"; continue; } ;;
  esac
  cp -P "$f" "$dest/$f"
done
if [ "$dest" = / ] && [ -d /run/systemd/system ]; then
  systemd-sysusers /etc/sysusers.d/sec-ts.conf
  systemd-tmpfiles --create /etc/tmpfiles.d/sec-ts.conf
  systemctl daemon-reload
fi
echo "sec-ts installed into $dest"
