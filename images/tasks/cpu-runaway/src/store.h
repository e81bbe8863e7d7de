// The stock store, shared by inventory-api and stock-audit: a text file of fixed-size records,
// "SKU-00042 00017 00000003\n" (SKU, quantity, hits), where SKU-N is record N-1. Whoever reads or
// writes it holds the store's locks, System V semaphores (ipcs -s) that waiters get in turn.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RECORD 25
#define STORE_KEY 0x494e5631 /* "INV1" */
// The store's locks, one set of semaphores: the records, the hit counters, and the right to scan
// continuously (one scanner at a time).
enum { RECORDS, HITS, SCANNER, LOCKS };

union semun { int val; struct semid_ds *buf; unsigned short *array; };

static int store_sem = -1;

static inline void die(const char *what) {
    fprintf(stderr, "%s: %s\n", what, strerror(errno));
    exit(1);
}

// The locks' semaphores, made (both free) by whoever comes first.
static inline int store_lock_id(void) {
    int id = semget(STORE_KEY, LOCKS, IPC_CREAT | IPC_EXCL | 0664);
    if (id >= 0) {
        unsigned short free[LOCKS] = {1, 1, 1};
        union semun arg = {.array = free};
        if (semctl(id, 0, SETALL, arg) == -1) die("semctl");
        return id;
    }
    if (errno != EEXIST || (id = semget(STORE_KEY, LOCKS, 0)) == -1) die("semget");
    return id;
}

static inline void store_op(unsigned short lock, short delta) {
    struct sembuf op = {.sem_num = lock, .sem_op = delta, .sem_flg = SEM_UNDO};
    for (;;) {
        if (store_sem == -1) store_sem = store_lock_id();
        if (semop(store_sem, &op, 1) == 0) return;
        if (errno == EIDRM || errno == EINVAL) store_sem = -1;   // removed: make it again
        else if (errno != EINTR) die("semop");
    }
}
static inline void store_lock(unsigned short lock) { store_op(lock, -1); }
static inline void store_unlock(unsigned short lock) { store_op(lock, 1); }

static inline double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int record_valid(const char *r) {
    if (memcmp(r, "SKU-", 4) != 0 || r[9] != ' ' || r[15] != ' ' || r[24] != '\n') return 0;
    for (int i = 4; i < 24; i++)
        if (i != 9 && i != 15 && (r[i] < '0' || r[i] > '9')) return 0;
    return 1;
}

// One pass over the store, record by record: how many records are damaged.
static inline long scan_pass(int fd) {
    struct stat st;
    char rec[RECORD];
    long bad = 0;
    if (fstat(fd, &st) == -1) die("fstat");
    for (off_t off = 0; off + RECORD <= st.st_size; off += RECORD)
        if (pread(fd, rec, RECORD, off) != RECORD || !record_valid(rec)) bad++;
    return bad;
}

// One scan, holding the records' lock.
static inline long scan_once(int fd) {
    store_lock(RECORDS);
    long bad = scan_pass(fd);
    store_unlock(RECORDS);
    return bad;
}

// Scans back to back, for ever. Once a second it lets whoever waits for a lock have it in turn,
// and takes it back.
static inline void scan_continuously(int fd) {
    store_lock(SCANNER);
    store_lock(HITS);
    store_lock(RECORDS);
    for (;;) {
        double start = now();
        do scan_pass(fd); while (now() - start < 1.0);
        store_unlock(HITS);
        store_lock(HITS);
        store_unlock(RECORDS);
        store_lock(RECORDS);
    }
}
