/*
 * Delay line: every packet read from the TUN device argv[1] is written back to it after
 * argv[2] ms plus a random 0..argv[3] ms of jitter. The router routes a node's traffic (both
 * directions) into the TUN; what comes back out routes normally.
 * Each direction has its own queue, in which packets keep their order (a jittered packet never
 * overtakes an earlier one, as on a real path: reordering would look like loss to TCP) without
 * waiting behind the other direction's packets.
 * Usage: delay_line IFNAME DELAY_MS [JITTER_MS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 8192 /* per direction; beyond it tail drop, like a router buffer */
#define SLOT_BYTES 2048

struct queue {
  unsigned head, tail; /* packets [head, tail) modulo SLOTS */
  long long last_due;
  int lens[SLOTS];
  long long due[SLOTS];
  unsigned char data[SLOTS][SLOT_BYTES];
};

static struct queue queues[2];

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int open_tun(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
  if (fd < 0) { perror("open /dev/net/tun"); exit(1); }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); exit(1); }
  return fd;
}

/* The direction of an IPv4 packet: whether its source address sorts below its destination. */
static int direction(const unsigned char *pkt, int len) {
  if (len < 20 || pkt[0] >> 4 != 4) return 0;
  return memcmp(pkt + 12, pkt + 16, 4) < 0;
}

/* Nanoseconds until the earliest packet is due, or -1 when both queues are empty. */
static long long next_wait(void) {
  long long best = -1, t = now_ns();
  for (int d = 0; d < 2; d++) {
    struct queue *q = &queues[d];
    if (q->head == q->tail) continue;
    long long left = q->due[q->head % SLOTS] - t;
    if (left < 0) left = 0;
    if (best < 0 || left < best) best = left;
  }
  return best;
}

static void enqueue(int fd, long long delay, long long jitter) {
  static unsigned char pkt[SLOT_BYTES];
  int n;
  while ((n = read(fd, pkt, sizeof pkt)) > 0) {
    struct queue *q = &queues[direction(pkt, n)];
    if (q->tail - q->head >= SLOTS) continue; /* full: drop */
    long long when = now_ns() + delay + (jitter ? (long long)(rand() % (jitter / 1000 + 1)) * 1000 : 0);
    if (when < q->last_due) when = q->last_due;
    unsigned slot = q->tail++ % SLOTS;
    memcpy(q->data[slot], pkt, n);
    q->lens[slot] = n;
    q->due[slot] = q->last_due = when;
  }
}

static void release(int fd) {
  long long t = now_ns();
  for (int d = 0; d < 2; d++) {
    struct queue *q = &queues[d];
    while (q->head != q->tail && q->due[q->head % SLOTS] <= t) {
      unsigned slot = q->head % SLOTS;
      if (write(fd, q->data[slot], q->lens[slot]) < 0 && errno == EAGAIN) break;
      q->head++;
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s IFNAME DELAY_MS [JITTER_MS]\n", argv[0]); return 2; }
  int fd = open_tun(argv[1]);
  long long delay = atoll(argv[2]) * 1000000LL;
  long long jitter = argc > 3 ? atoll(argv[3]) * 1000000LL : 0;
  srand((unsigned)now_ns());
  fprintf(stderr, "delay_line %s: %s ms + 0..%lld ms jitter each way\n", argv[1], argv[2], jitter / 1000000);
  for (;;) {
    long long wait = next_wait();
    struct timespec ts = { wait / 1000000000LL, wait % 1000000000LL };
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (ppoll(&p, 1, wait < 0 ? NULL : &ts, NULL) < 0 && errno != EINTR) { perror("ppoll"); return 1; }
    enqueue(fd, delay, jitter);
    release(fd);
  }
}
