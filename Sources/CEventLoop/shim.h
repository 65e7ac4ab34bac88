// Linux event-loop interfaces that the Glibc module of Swift does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// accept4 is declared only under _GNU_SOURCE, which the Glibc module was built without.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
