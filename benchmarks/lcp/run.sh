#!/usr/bin/env bash
# Rate of the Linux control plane's sync: ROUTES IPv6 routes added with one `ip -batch` in the
# control namespace, followed by the appliance's netlink follower (srv6-lcp) through a mirror
# interface, then deleted the same way; routes/s from the batch's start to the follower's last
# applied message (`lcp:stats`), and the echo requests a host sent through the appliance meanwhile
# (answered by a second host behind it: forwarding while the table changes). Prints figures;
# asserts nothing. usage: run.sh [ROUTES]   (root; SRV6_HOME = built distribution, default
# ../../distribution/target/srv6-appliance; SRV6_JAVA_OPTS = the appliance's JVM options)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROUTES=${1:-100000}
SRC_HOME=${SRV6_HOME:-$HERE/../../distribution/target/srv6-appliance}
P=lcb$$
RA=${P}ra; CP=${P}cp; H1=${P}h1; H2=${P}h2
WORK=$(mktemp -d)
H=$WORK/home
PING_PID=
cleanup() {
	[ -n "$PING_PID" ] && kill "$PING_PID" 2>/dev/null
	[ -x "$H/bin/srv6" ] && ip netns exec $RA "$H/bin/srv6" stop >/dev/null 2>&1
	for n in $RA $CP $H1 $H2; do ip netns del $n 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
C() { ip netns exec $RA "$H/bin/srv6" client "$1"; }
ms_now() { date +%s%3N; }
# the follower's last applied message, epoch ms
last_applied() { C "lcp:stats" | sed -n 's/^last applied //p' | xargs -r -I{} date -d {} +%s%3N; }
applied() { C "lcp:stats" | sed -n 's/^messages [0-9]* applied \([0-9]*\).*/\1/p'; }

cp -a "$SRC_HOME" "$H" || exit 1
rm -rf "$H/var" "$H"/etc/srv6.conf*
for n in $RA $CP $H1 $H2; do ip netns add $n; ip -n $n link set lo up; done
for n in $CP $H1 $H2; do ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; done
SRV6_JAVA_OPTS="${SRV6_JAVA_OPTS:-} -Dsrv6.lcp.netns=$CP" ip netns exec $RA "$H/bin/srv6" start >/dev/null || exit 1
for _ in $(seq 100); do C "lcp:stats" 2>/dev/null | grep -q "netns $CP: following" && break; sleep 0.2; done
C "ip link add p1 type tap netns $H1; ip link add p2 type tap netns $H2; ip link set p1 up; ip link set p2 up" >/dev/null || exit 1
C "srv6:lcp add p1 netns $CP" >/dev/null || exit 1
C "ip -6 addr add fc00:2::1/64 dev p2" >/dev/null
ip -n $CP -6 addr add fc00:1::1/64 dev p1 nodad
ip -n $H1 link set p1 up; ip -n $H2 link set p2 up
ip -n $H1 -6 addr add fc00:1::2/64 dev p1 nodad; ip -n $H1 -6 route add default via fc00:1::1
ip -n $H2 -6 addr add fc00:2::2/64 dev p2 nodad; ip -n $H2 -6 route add default via fc00:2::1
for _ in $(seq 50); do C "ip -6 addr show dev p1" | grep -q fc00:1::1 && break; sleep 0.2; done
ip netns exec $H1 ping -6 -c 3 -W 1 fc00:2::2 >/dev/null || echo "warning: H1 does not reach H2 through the appliance"

awk -v n="$ROUTES" 'BEGIN { for (i = 0; i < n; i++) printf "route add fc00:a%03x:%x::/64 via fc00:1::2 dev p1 proto static\n", int(i / 65536), i % 65536 }' > "$WORK/add"
sed 's/^route add/route del/' "$WORK/add" > "$WORK/del"

# sync ADDFILE LABEL: one ip -batch, then wait for the follower to have applied ROUTES more messages
sync_one() {
	local before t0 t1 kt secs
	before=$(applied)
	t0=$(ms_now)
	ip netns exec $CP ip -6 -batch "$1" || { echo "ip -batch failed"; return 1; }
	kt=$(( $(ms_now) - t0 ))
	for _ in $(seq 1200); do
		[ "$(applied)" -ge $((before + ROUTES)) ] && break
		sleep 0.1
	done
	t1=$(last_applied)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
	echo "$2: $ROUTES routes followed in $secs s: $(awk -v n="$ROUTES" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') routes/s (ip -batch alone: $kt ms; applied $(( $(applied) - before )))"
}

ip netns exec $H1 ping -6 -i 0.002 -W 1 fc00:2::2 > "$WORK/ping" 2>&1 &
PING_PID=$!
sleep 1
sync_one "$WORK/add" "add"
echo "appliance routes from the control plane: $(C "ip -6 route show" | grep -c '^fc00:a')"
sync_one "$WORK/del" "delete"
sleep 1
kill -INT "$PING_PID"; wait "$PING_PID" 2>/dev/null; PING_PID=
echo "H1 -> H2 through the appliance meanwhile (every 2 ms): $(grep 'packets transmitted' "$WORK/ping")"
C "lcp:stats" | sed -n '/^messages/p'
# what the appliance dropped meanwhile (non-zero reasons), and its ports' counters
C "srv6:stats" | awk '/^drops:/ { d = 1; next } /^[a-z]/ { d = 0 } d && $2 != 0 { print "dropped: " $1 " " $2 }'
C "srv6:stats" | sed -n '/^PORT/,/^drops:/p' | sed '$d'
