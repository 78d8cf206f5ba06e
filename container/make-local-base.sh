#!/bin/sh
# Makes a base image for ../Containerfile where no registry is reachable: a Java runtime linked (jlink) from this
# machine's JDK 17+, /bin/sh, and the shared libraries they need, all copied from this machine (Linux, glibc), then
# imported with `ENGINE import`. About 60 MB; no package is downloaded. ContainerIT uses it; with a registry, the
# Containerfile's default base (eclipse-temurin:17-jre) does the same job.
#   container/make-local-base.sh [ENGINE [IMAGE]]     (defaults: podman localhost/netlab-base:latest)
#   podman build --build-arg BASE=localhost/netlab-base:latest -t netlab -f Containerfile .
set -eu
engine=${1:-podman}
image=${2:-localhost/netlab-base:latest}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ -x "$jdk/bin/jlink" ] && [ -d "$jdk/jmods" ] || {
  echo "make-local-base.sh: $jdk has no jlink and jmods (set JAVA_HOME to a full JDK 17+)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/usr/local/bin"
chmod 1777 "$root/tmp"
# the modules the two runnable jars use (jdeps --print-module-deps), and EC keys for TLS
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.xml,jdk.crypto.ec,jdk.jfr,jdk.sctp,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$root/opt/java/openjdk" 2>/dev/null
cp -L "$(readlink -f /bin/sh)" "$root/bin/sh"
# every shared library the runtime and the shell load, at the same path; and the ones Netty's native transport
# (extracted at run time) may ask for
for f in "$root/bin/sh" $(find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -perm -u+x \)); do
  ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u > "$work/libs"
for lib in libdl.so.2 libpthread.so.0 librt.so.1 libm.so.6 libgcc_s.so.1; do
  for dir in /lib/x86_64-linux-gnu /lib/aarch64-linux-gnu /lib64 /usr/lib64 /lib; do
    if [ -e "$dir/$lib" ]; then echo "$dir/$lib" >> "$work/libs"; break; fi
  done
done
while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done < "$work/libs"
# the dynamic loader is found by the path compiled into each program (/lib64/ld-linux-x86-64.so.2 on amd64)
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
mkdir -p "$root/root"
tar -C "$root" -cf - . | "$engine" import \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' - "$image" >/dev/null
echo "$image"
