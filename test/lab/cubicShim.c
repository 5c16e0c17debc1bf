/*
 * LD_PRELOAD shim: every TCP socket the process makes sends with CUBIC (or with the algorithm in
 * $RRLAB_TCP_CONGESTION). This kernel defaults to BBR, which packet loss barely slows, and the
 * sysctl is read-only inside namespaces; operators' machines send with CUBIC, so lab WAN
 * measurements load this into every sender. Root may set any algorithm the kernel has.
 * Accepted sockets inherit the algorithm of their listening socket.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
  static int (*real_socket)(int, int, int);
  if (!real_socket) real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
  int fd = real_socket(domain, type, protocol);
  int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0 && (domain == AF_INET || domain == AF_INET6) && base == SOCK_STREAM) {
    const char *cc = getenv("RRLAB_TCP_CONGESTION");
    if (!cc || !*cc) cc = "cubic";
    setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc)); /* best effort: never fail the socket */
  }
  return fd;
}
