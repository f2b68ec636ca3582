#!/usr/bin/env bash
# Debian packages some tests drive, installed when missing and when we are root with apt (a CI machine):
#   chromium  the dashboard's browser tests (never a downloaded browser), with chromium-l10n: its French (a date
#             field reads JJ/MM/AAAA, as for the dashboard's users);
#   promtool  (package prometheus) checks deploy/observability's alert rules; its daemon is never started.
#   pdftoppm  (package poppler-utils) turns the steering committee report's pages into PNG in its tests.
# Without root or apt, the tests that need them are skipped and say why.
set -uo pipefail
wanted=()
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
[ -e /usr/lib/chromium/locales/fr.pak ] || wanted+=(chromium-l10n)
command -v promtool >/dev/null 2>&1 || wanted+=(prometheus)
command -v pdftoppm >/dev/null 2>&1 || wanted+=(poppler-utils)
[ ${#wanted[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not installed (needs root and apt): ${wanted[*]}; the tests that need them will be skipped"
  exit 0
fi
# A package's maintainer scripts must not start a daemon here: a policy-rc.d of ours, only if there is none.
policy=/usr/sbin/policy-rc.d
ours=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && ours=1
fi
apt-get update -qq
for package in "${wanted[@]}"; do
  options=()
  [ "$package" = prometheus ] && options=(--no-install-recommends)  # promtool only: no exporters
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${options[@]}" "$package" >/dev/null \
    || echo "could not install $package; the tests that need it will be skipped"
done
[ "$ours" = 1 ] && rm -f "$policy"
exit 0
