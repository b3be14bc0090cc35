#!/bin/sh
# Makes the base images `aspire publish --base-image` is tested with, offline-capable:
#   localhost/aspire-base-python:test   python3 (Debian bookworm's 3.11), /bin/sh
#   localhost/aspire-base-redis:test    redis-server, redis-cli, /bin/sh, grep
# Both come from one root file system: a minimal bookworm `debootstrap` when a Debian mirror
# answers (ASPIRE_DEBIAN_MIRROR, default deb.debian.org), else the host's own python3 and
# redis-server with their libraries (found with ldd) — the host is Debian bookworm too.
# The root is kept as a tarball in $ASPIRE_BASE_CACHE (default /var/tmp/aspire-base-images), and
# an engine that already has both tags is left alone, so this runs once per machine.
#
# Usage: make-base-images.sh [podman] [docker]     (default: each engine that answers)
# Prints one line per engine: "ENGINE: ready" or "ENGINE: skipped: REASON". Exit 0 unless
# the root could not be made.
set -eu
PYTHON_IMAGE=localhost/aspire-base-python:test
REDIS_IMAGE=localhost/aspire-base-redis:test
CACHE=${ASPIRE_BASE_CACHE:-/var/tmp/aspire-base-images}
MIRROR=${ASPIRE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
TARBALL=$CACHE/rootfs.tar
engines=${*:-podman docker}

has_image() { # engine image
    case $1 in
        docker) docker image inspect "$2" >/dev/null 2>&1 ;;
        *) "$1" image exists "$2" >/dev/null 2>&1 ;;
    esac
}

engine_answers() { # engine -> reason on stdout when not
    command -v "$1" >/dev/null 2>&1 || { echo "$1 is not installed"; return 1; }
    if [ "$1" = docker ] && ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
        echo "the docker daemon does not answer (start it: dockerd --iptables=false &)"; return 1
    fi
    return 0
}

# Copies FILE (following links) and every library ldd names for it into $ROOT.
copy_with_libraries() {
    for file in "$@"; do
        [ -e "$file" ] || continue
        mkdir -p "$ROOT$(dirname "$file")"
        cp -aL "$file" "$ROOT$file" 2>/dev/null || true
        ldd "$file" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }' | while read -r lib; do
            [ -e "$ROOT$lib" ] && continue
            mkdir -p "$ROOT$(dirname "$lib")"
            cp -aL "$lib" "$ROOT$lib"
        done
    done
}

root_from_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 || return 1
    timeout 10 sh -c "exec 3<>/dev/null; wget -q -O /dev/null '$MIRROR/dists/bookworm/Release' 2>/dev/null || curl -fsS -o /dev/null '$MIRROR/dists/bookworm/Release'" || return 1
    debootstrap --variant=minbase --include=python3,redis-tools,redis-server bookworm "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || return 1
    rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
    echo "debootstrap (bookworm, $MIRROR)" >"$CACHE/source"
}

root_from_host() {
    rm -rf "$ROOT"; mkdir -p "$ROOT/tmp" "$ROOT/etc" "$ROOT/data" "$ROOT/app"
    chmod 1777 "$ROOT/tmp"
    python=$(readlink -f "$(command -v python3)")
    version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    copy_with_libraries /bin/sh /bin/dash /usr/bin/grep /usr/bin/env "$python" "$(command -v redis-server)" "$(command -v redis-cli)"
    ln -sf "$(basename "$python")" "$ROOT/usr/bin/python3"
    mkdir -p "$ROOT/usr/lib/python$version"
    cp -a "/usr/lib/python$version/." "$ROOT/usr/lib/python$version/"
    rm -rf "$ROOT/usr/lib/python$version/test" "$ROOT/usr/lib/python$version/dist-packages" "$ROOT/usr/lib/python$version/site-packages"
    copy_with_libraries "/usr/lib/python$version"/lib-dynload/*.so
    cp -a /etc/ssl "$ROOT/etc/" 2>/dev/null || true
    printf 'root:x:0:0:root:/root:/bin/sh\nredis:x:999:999::/data:/bin/sh\n' >"$ROOT/etc/passwd"
    printf 'root:x:0:\nredis:x:999:\n' >"$ROOT/etc/group"
    printf 'hosts: files dns\n' >"$ROOT/etc/nsswitch.conf"
    for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
        copy_with_libraries "$lib"
    done
    echo "the host's own files (python3 $version, redis-server; ldd)" >"$CACHE/source"
}

mkdir -p "$CACHE"
if [ ! -s "$TARBALL" ]; then
    ROOT=$CACHE/root.$$
    trap 'rm -rf "$ROOT"' EXIT
    if [ "${ASPIRE_BASE_FROM_HOST:-}" = 1 ] || ! root_from_debootstrap; then
        root_from_host
    fi
    tar -C "$ROOT" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
fi
echo "root file system: $(cat "$CACHE/source" 2>/dev/null || echo cached)" >&2

for engine in $engines; do
    if ! reason=$(engine_answers "$engine"); then echo "$engine: skipped: $reason"; continue; fi
    if has_image "$engine" "$PYTHON_IMAGE" && has_image "$engine" "$REDIS_IMAGE"; then echo "$engine: ready"; continue; fi
    path='ENV PATH=/usr/local/bin:/usr/bin:/bin'
    "$engine" import --change "$path" --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' "$TARBALL" "$PYTHON_IMAGE" >/dev/null
    "$engine" import --change "$path" --change 'WORKDIR /data' --change 'CMD ["redis-server"]' "$TARBALL" "$REDIS_IMAGE" >/dev/null
    echo "$engine: ready"
done
