// Linux event-loop interfaces that the Glibc module of Swift does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// accept4 is declared only under _GNU_SOURCE, which the Glibc module was built without.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);

#include <malloc.h>
#include <stdlib.h>

// glibc gives each thread that allocates under contention an arena of its own (up to 8 per
// core), and freed memory stays in the arena that served it: with the event loops and the task
// pool that is ~10 MiB of peak RSS under load for no throughput. Two arenas are enough; an
// operator's MALLOC_ARENA_MAX, read by glibc itself, wins.
static inline void lustores_limit_malloc_arenas(int count) {
    if (getenv("MALLOC_ARENA_MAX") == NULL) { mallopt(M_ARENA_MAX, count); }
}
