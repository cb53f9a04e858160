#!/bin/sh
# Packets per second forwarded by SRv6 End and decapsulated by End.DT6 (inner packet looked up in
# table 100): the appliance (one event loop, pinned to one core) versus a kernel router namespace,
# same generator (gen.c, AF_PACKET sendmmsg) and same H1/H2.
# usage: run.sh [COUNT]   (root; SRV6_HOME = built distribution, default ../../distribution/target/srv6-appliance)
# PORT_TYPE=packet: the appliance's ports are AF_PACKET ports on veths (ip link add aN type packet
# dev vN, vN in the appliance's namespace, aN in the hosts') instead of TAPs moved to the hosts.
# SRV6_IO=io_uring|epoll|auto: the appliance's I/O backend (default: what etc/srv6.properties says).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
COUNT=${1:-3000000}
PORT_TYPE=${PORT_TYPE:-tap}
SRC_HOME=${SRV6_HOME:-$HERE/../../distribution/target/srv6-appliance}
P=pps$$
H1=${P}h1; H2=${P}h2; RK=${P}rk; RA=${P}ra
WORK=$(mktemp -d)
HOME_COPY=$WORK/home
cleanup() {
	[ -x "$HOME_COPY/bin/srv6" ] && ip netns exec $RA "$HOME_COPY/bin/srv6" stop >/dev/null 2>&1
	for n in $H1 $H2 $RK $RA; do ip netns del $n 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
gcc -O2 -Wall -o "$WORK/gen" "$HERE/gen.c" || exit 1

rx_packets() { ip netns exec "$1" cat /sys/class/net/"$2"/statistics/rx_packets; }
mac() { ip netns exec "$1" cat /sys/class/net/"$2"/address; }
now() { date +%s.%N; }

# measure NAME DSTMAC TXDEV RXDEV [dt6]: runs the generator on H1 and counts what reaches H2
measure() {
	before=$(rx_packets $H2 "$4")
	t0=$(now)
	if [ "${5:-}" = dt6 ]; then
		ip netns exec $H1 taskset -c 1 "$WORK/gen" "$3" "$2" "$(mac $H1 "$3")" fc00:1::5 fc00:100::d6 fc00:2::9 "$COUNT" dt6
	else
		ip netns exec $H1 taskset -c 1 "$WORK/gen" "$3" "$2" "$(mac $H1 "$3")" fc00:1::5 fc00:100::1 fc00:2::9 "$COUNT"
	fi
	sleep 1
	t1=$(now)
	after=$(rx_packets $H2 "$4")
	echo "$after $before $t0 $t1" | awk -v n="$1" '{ printf "%s: forwarded %d packets, %.0f pps\n", n, $1-$2, ($1-$2)/($4-$3-1) }'
	echo "$after $before $t0 $t1" | awk '{ printf "%.0f\n", ($1-$2)/($4-$3-1) }' > "$WORK/$1.pps"
}

for n in $H1 $H2; do
	ip netns add $n
	ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n $n link set lo up
done

# --- kernel router RK doing End
ip netns add $RK
ip netns exec $RK sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.seg6_enabled=1 \
	net.ipv6.conf.default.seg6_enabled=1 net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip -n $RK link add k1 type veth peer name k1 netns $H1
ip -n $RK link add k2 type veth peer name k2 netns $H2
ip -n $RK link set k1 up; ip -n $RK link set k2 up; ip -n $H1 link set k1 up; ip -n $H2 link set k2 up
ip netns exec $RK sysctl -qw net.ipv6.conf.k1.seg6_enabled=1
ip -n $RK -6 addr add fc00:12::2/64 dev k1 nodad
ip -n $RK -6 addr add fc00:23::2/64 dev k2 nodad
ip -n $RK -6 neigh add fc00:23::3 lladdr "$(mac $H2 k2)" dev k2 nud permanent
ip -n $RK -6 route add fc00:2::/64 via fc00:23::3 dev k2
ip -n $RK -6 route add fc00:100::1/128 encap seg6local action End dev k1
ip -n $RK -6 route add fc00:2::/64 via fc00:23::3 dev k2 table 100
ip -n $RK -6 route add fc00:100::d6/128 encap seg6local action End.DT6 table 100 dev k1
# veth delivers in the sender's context: steer the router's receive processing (RPS) to CPU 0,
# the core the appliance gets, so that both forwarders run on CPU 0 and the generator alone on CPU 1
ip netns exec $RK sh -c 'echo 1 > /sys/class/net/k1/queues/rx-0/rps_cpus' 2>/dev/null \
	|| echo "kernel: RPS not available; the kernel router runs on the generator's CPU"
# H2 only counts: without IPv6 on its port the packets end right after the receive counter,
# instead of costing an ICMPv6 error each on whichever CPU delivers them
ip netns exec $H2 sysctl -qw net.ipv6.conf.k2.disable_ipv6=1
measure kernel "$(mac $RK k1)" k1 k2
measure kernel-dt6 "$(mac $RK k1)" k1 k2 dt6

# --- appliance as End
ip netns add $RA
# as built: what a run left in the source home (var/, the saved configuration, deploy/) stays out
cp -a "$SRC_HOME" "$HOME_COPY" && rm -rf "$HOME_COPY/var" "$HOME_COPY"/etc/srv6.conf "$HOME_COPY"/etc/srv6.conf.* \
	"$HOME_COPY"/etc/.srv6.conf* "$HOME_COPY"/deploy/*
C() { "$HOME_COPY/bin/srv6" client "$1" >/dev/null || { echo "appliance refused: $1"; return 1; }; }
ready() {
	for _ in $(seq 50); do
		"$HOME_COPY/bin/srv6" client "srv6:behaviors" 2>/dev/null | grep -q '^End ' && return 0
		sleep 0.2
	done
	return 1
}
# the appliance's ports a1 (to H1) and a2 (to H2), both with their host end named aN
ports() {
	if [ "$PORT_TYPE" = packet ]; then
		ip -n $RA link add v1 type veth peer name a1 netns $H1 && ip -n $RA link add v2 type veth peer name a2 netns $H2 \
			&& ip netns exec $RA sysctl -qw net.ipv6.conf.v1.disable_ipv6=1 net.ipv6.conf.v2.disable_ipv6=1 \
			&& C "ip link add a1 type packet dev v1" && C "ip link add a2 type packet dev v2"
	else
		C "ip link add a1 type tap" && C "ip link add a2 type tap" \
			&& ip -n $RA link set a1 netns $H1 && ip -n $RA link set a2 netns $H2
	fi
}
echo "appliance ports: $PORT_TYPE"
if SRV6_JAVA_OPTS="-Dsrv6.loops=1${SRV6_IO:+ -Dsrv6.io=$SRV6_IO}" ip netns exec $RA taskset -c 0 "$HOME_COPY/bin/srv6" start >/dev/null \
	&& ready && ports; then
	ip -n $H1 link set a1 up; ip -n $H2 link set a2 up
	ip netns exec $H2 sysctl -qw net.ipv6.conf.a2.disable_ipv6=1
	C "ip link set a1 up"; C "ip link set a2 up"
	C "ip -6 addr add fc00:12::2/64 dev a1"; C "ip -6 addr add fc00:23::2/64 dev a2"
	C "ip -6 neigh add fc00:23::3 lladdr $(mac $H2 a2) dev a2"
	C "ip -6 route add fc00:2::/64 via fc00:23::3 dev a2"
	C "ip -6 route add fc00:100::1/128 encap seg6local action End dev a1"
	C "ip -6 route add fc00:2::/64 via fc00:23::3 dev a2 table 100"
	C "ip -6 route add fc00:100::d6/128 encap seg6local action End.DT6 table 100 dev a1"
	"$HOME_COPY/bin/srv6" client "srv6:stats" | grep '^io: ' | sed 's/^/appliance /'
	AMAC=$("$HOME_COPY/bin/srv6" client "ip link show a1" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p' | head -1)
	# warm-up: let the JIT compile the packet path before measuring
	ip netns exec $H1 taskset -c 1 "$WORK/gen" a1 "${AMAC:-ff:ff:ff:ff:ff:ff}" "$(mac $H1 a1)" fc00:1::5 fc00:100::1 fc00:2::9 "$COUNT" >/dev/null
	sleep 1
	if [ -n "${PROFILE:-}" ]; then
		APID=$(cat "$HOME_COPY/var/srv6.pid")
		jcmd "$APID" JFR.start name=pps settings=profile filename="$PROFILE" >/dev/null
	fi
	if [ -n "${PERF:-}" ]; then
		APID=$(cat "$HOME_COPY/var/srv6.pid")
		perf record -g -p "$APID" -o "$PERF" -- sleep 3 >/dev/null 2>&1 &
	fi
	measure appliance "${AMAC:-ff:ff:ff:ff:ff:ff}" a1 a2
	ip netns exec $H1 taskset -c 1 "$WORK/gen" a1 "${AMAC:-ff:ff:ff:ff:ff:ff}" "$(mac $H1 a1)" fc00:1::5 fc00:100::d6 fc00:2::9 "$COUNT" dt6 >/dev/null
	sleep 1
	measure appliance-dt6 "${AMAC:-ff:ff:ff:ff:ff:ff}" a1 a2 dt6
	[ -n "${PROFILE:-}" ] && jcmd "$APID" JFR.stop name=pps >/dev/null
	wait
else
	echo "appliance: not measured (did not start or refused its configuration)"
fi

for case in "" -dt6; do
	if [ -s "$WORK/kernel$case.pps" ] && [ -s "$WORK/appliance$case.pps" ]; then
		awk -v a="$(cat "$WORK/appliance$case.pps")" -v k="$(cat "$WORK/kernel$case.pps")" -v c="${case:- End}" \
			'BEGIN { sub(/^-/, "", c); printf "ratio appliance/kernel (%s): %.3f\n", (c == "dt6" ? "End.DT6" : "End"), (k > 0 ? a / k : 0) }'
	fi
done
