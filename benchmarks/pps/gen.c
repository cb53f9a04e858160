/*
 * AF_PACKET sendmmsg generator: sends N copies of one SRv6 frame in batches of 64 and
 * prints the packets per second it sent. The frame is for End (IPv6 + SRH with two
 * segments, SL=1, UDP payload) or, with "dt6", for End.DT6 (IPv6 to the SID + SRH with
 * the SID alone, SL=0, then an inner IPv6 UDP packet SRC_IP6 -> FINAL_IP6) or, with "plain",
 * a plain IPv6 UDP packet SRC_IP6 -> FINAL_IP6 without SRH (SID is not used), for plain
 * forwarding and for a T.Encaps route. Output: "sent N packets in S s: R pps".
 *
 * usage: gen IFACE DST_MAC SRC_MAC SRC_IP6 SID FINAL_IP6 COUNT [dt6|plain]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64

static int parse_mac(const char *s, uint8_t *m)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 8 && !(argc == 9 && (strcmp(argv[8], "dt6") == 0 || strcmp(argv[8], "plain") == 0))) {
		fprintf(stderr, "usage: gen IFACE DST_MAC SRC_MAC SRC_IP6 SID FINAL_IP6 COUNT [dt6|plain]\n");
		return 2;
	}
	const int dt6 = argc == 9 && strcmp(argv[8], "dt6") == 0;
	const int plain = argc == 9 && strcmp(argv[8], "plain") == 0;
	uint8_t f[128];
	memset(f, 0, sizeof(f));
	if (parse_mac(argv[2], f) || parse_mac(argv[3], f + 6)) {
		fprintf(stderr, "bad MAC address: expected xx:xx:xx:xx:xx:xx\n");
		return 2;
	}
	f[12] = 0x86; f[13] = 0xdd;
	uint8_t *ip = f + 14;
	const int srh_len = plain ? 0 : dt6 ? 8 + 16 : 8 + 32, udp_len = 8 + 18, inner_len = dt6 ? 40 : 0;
	ip[0] = 0x60;
	ip[4] = (srh_len + inner_len + udp_len) >> 8; ip[5] = (srh_len + inner_len + udp_len) & 0xff;
	ip[6] = plain ? 17 : 43; ip[7] = 64;
	uint8_t *srh = ip + 40;
	uint8_t *inner = srh + srh_len;
	int bad = inet_pton(AF_INET6, argv[4], ip + 8) != 1
		|| inet_pton(AF_INET6, plain ? argv[6] : argv[5], ip + 24) != 1;
	if (plain) {
		/* no SRH: the UDP header follows the IPv6 header */
	} else if (dt6) {
		/* SRH: next header IPv6, one segment (the SID), SL 0, last entry 0 */
		srh[0] = 41; srh[1] = 2; srh[2] = 4; srh[3] = 0; srh[4] = 0;
		bad |= inet_pton(AF_INET6, argv[5], srh + 8) != 1;
		inner[0] = 0x60; inner[4] = 0; inner[5] = udp_len; inner[6] = 17; inner[7] = 64;
		bad |= inet_pton(AF_INET6, argv[4], inner + 8) != 1 || inet_pton(AF_INET6, argv[6], inner + 24) != 1;
	} else {
		srh[0] = 17; srh[1] = 4; srh[2] = 4; srh[3] = 1; srh[4] = 1;
		bad |= inet_pton(AF_INET6, argv[6], srh + 8) != 1 || inet_pton(AF_INET6, argv[5], srh + 24) != 1;
	}
	if (bad) {
		fprintf(stderr, "bad IPv6 address\n");
		return 2;
	}
	uint8_t *udp = inner + inner_len;
	udp[0] = 0x04; udp[1] = 0xd2; udp[2] = 0x16; udp[3] = 0x2e;
	udp[5] = udp_len; /* checksum left 0: routers do not verify it */
	udp[6] = 0; udp[7] = 0;
	int len = 14 + 40 + srh_len + inner_len + udp_len;
	long count = atol(argv[7]);

	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0) { perror("socket"); return 1; }
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = if_nametoindex(argv[1]) };
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) { perror("bind"); return 1; }
	int sndbuf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

	/* GEN_FLOWS=N (1..BATCH): the UDP source port takes N values, so that flow hashes spread the frames */
	const char *fl = getenv("GEN_FLOWS");
	int flows = fl ? atoi(fl) : 1;
	if (flows < 1 || flows > BATCH) flows = 1;
	static uint8_t frames[BATCH][128];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		memcpy(frames[i], f, sizeof(f));
		frames[i][udp - f + 1] = (uint8_t)(0xd2 + i % flows);
		iov[i].iov_base = frames[i]; iov[i].iov_len = len;
		msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long sent = 0;
	while (sent < count) {
		int n = count - sent < BATCH ? (int)(count - sent) : BATCH;
		int r = sendmmsg(fd, msgs, n, 0);
		if (r > 0) sent += r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("sent %ld packets in %.6f s: %.0f pps\n", sent, s, sent / s);
	return 0;
}
