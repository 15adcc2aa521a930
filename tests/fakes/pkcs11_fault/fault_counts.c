#include "fault_counts.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault_functions.h"

/* "%-24s %20lu\n": names padded so every line has the same width. */
#define NAME_WIDTH 24
#define NUMBER_WIDTH 20
#define LINE_WIDTH (NAME_WIDTH + 1 + NUMBER_WIDTH + 1)
#define LINES (FAULT_FUNCTION_COUNT + 1)
#define MAX_SIGN_LINE FAULT_FUNCTION_COUNT

/* flock excludes other processes; threads of this one share the open file
 * description, so they also take the mutex. */
static pthread_mutex_t gMutex = PTHREAD_MUTEX_INITIALIZER;
static int gFd = -1;
static char* gMap = NULL;

static const char* line_name(int line) {
  return line == MAX_SIGN_LINE ? "max-concurrent-C_Sign" : fault_function_names[line];
}

static void write_line(int line, unsigned long value) {
  char buf[LINE_WIDTH + 1];
  snprintf(buf, sizeof buf, "%-*s %*lu\n", NAME_WIDTH, line_name(line), NUMBER_WIDTH, value);
  memcpy(gMap + (size_t)line * LINE_WIDTH, buf, LINE_WIDTH);
}

static unsigned long read_line(int line) {
  char buf[NUMBER_WIDTH + 1];
  memcpy(buf, gMap + (size_t)line * LINE_WIDTH + NAME_WIDTH + 1, NUMBER_WIDTH);
  buf[NUMBER_WIDTH] = '\0';
  return strtoul(buf, NULL, 10);
}

static void open_locked(const char* path) {
  if (!path || !*path || gMap) return;
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    perror("pkcs11_fault: counts file");
    return;
  }
  flock(fd, LOCK_EX);
  struct stat st;
  int fresh = fstat(fd, &st) != 0 || st.st_size != (off_t)LINES * LINE_WIDTH;
  if (fresh && ftruncate(fd, (off_t)LINES * LINE_WIDTH) != 0) perror("pkcs11_fault: counts file");
  char* map = mmap(NULL, (size_t)LINES * LINE_WIDTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    perror("pkcs11_fault: mmap counts file");
    flock(fd, LOCK_UN);
    close(fd);
    return;
  }
  gMap = map;
  gFd = fd;
  if (fresh)
    for (int i = 0; i < LINES; i++) write_line(i, 0);
  flock(fd, LOCK_UN);
}

void fault_counts_open(const char* path) {
  pthread_mutex_lock(&gMutex);
  open_locked(path);
  pthread_mutex_unlock(&gMutex);
}

void fault_counts_add(int index) {
  if (!gMap) return;
  pthread_mutex_lock(&gMutex);
  flock(gFd, LOCK_EX);
  write_line(index, read_line(index) + 1);
  flock(gFd, LOCK_UN);
  pthread_mutex_unlock(&gMutex);
}

void fault_counts_max_sign(long value) {
  if (!gMap || value < 0) return;
  pthread_mutex_lock(&gMutex);
  flock(gFd, LOCK_EX);
  if ((unsigned long)value > read_line(MAX_SIGN_LINE)) write_line(MAX_SIGN_LINE, (unsigned long)value);
  flock(gFd, LOCK_UN);
  pthread_mutex_unlock(&gMutex);
}
