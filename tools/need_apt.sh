#!/usr/bin/env bash
# need_apt.sh "PACKAGES" WHAT: install Debian packages that a make target needs.
# As root with apt-get (CI, containers): apt-get update + install. Otherwise: one line that
# names the command to run, and exit 1. Called by the Makefile only when WHAT is missing.
set -euo pipefail
packages=$1 what=$2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== $what is missing: apt-get install $packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $packages
else
    echo "$what is missing: run 'sudo apt-get install $packages', then make again" >&2
    exit 1
fi
