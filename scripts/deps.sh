#!/bin/sh
# Install, on Debian 12, every package the build, the demo and the tests
# need: `apt-get update` once, then one `apt-get install`, and only when
# something is missing, so a second run costs nothing.
set -eu

BUILD="autoconf automake libtool pkg-config make gcc libc6-dev
	libssl-dev libsqlite3-dev libpam0g-dev libidn-dev libqrencode-dev
	libpng-dev libpq-dev"
TEST="libpam-wrapper pamtester openssh-server openssh-client libssh2-1-dev
	expect valgrind sqlite3 clang-format procps iproute2 passwd
	oathtool libpam-google-authenticator libpam-oath zbar-tools faketime
	gsasl libgsasl-dev libsasl2-dev sasl2-bin libsasl2-modules
	postgresql"

missing=
for p in $BUILD $TEST; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run this script as root to install them" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
