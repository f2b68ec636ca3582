#!/usr/bin/env bash
# The Debian package `make bench` drives, installed when missing and when we are root with apt:
#   wrk  the HTTP rows' load generator (bench/src/tdi_bench/web.py; Debian's 4.1.0), run as a second process.
# Without root or apt (or if the install fails), the bench runs without it and its HTTP rows say they were skipped.
set -uo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "wrk is not installed (needs root and apt to install it): the bench's HTTP rows will be skipped"
  exit 0
fi
echo "installing wrk (apt-get) for the bench's HTTP rows"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null \
  || echo "could not install wrk: the bench's HTTP rows will be skipped"
exit 0
