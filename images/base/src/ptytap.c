/*
 * ptytap LOG CMD [ARG...]: runs CMD on a new pseudo-terminal, relays this terminal to it both ways,
 * and appends every byte read from standard input (what the person types) to LOG.
 *
 * Why not script(1): when its input ends (an SSH client disconnects), script writes an end-of-file
 * (Ctrl-D) into the child. Here the child is a tmux client of the ONE shared session, and that
 * Ctrl-D would reach the shared shell and end it for everyone. ptytap instead closes the pty, so
 * the tmux client just detaches (SIGHUP). Window size changes are passed on (SIGWINCH).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t resized = 1;
static void on_winch(int sig) { (void)sig; resized = 1; }

static int write_all(int fd, const char *buf, ssize_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= n;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: ptytap LOG CMD [ARG...]\n");
    return 2;
  }
  int log = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  struct termios saved;
  int is_term = tcgetattr(STDIN_FILENO, &saved) == 0;
  struct winsize size;
  int has_size = ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0;

  int master;
  pid_t child = forkpty(&master, NULL, is_term ? &saved : NULL, has_size ? &size : NULL);
  if (child < 0) {
    perror("ptytap: forkpty");
    return 1;
  }
  if (child == 0) {
    execvp(argv[2], argv + 2);
    perror("ptytap: exec");
    _exit(127);
  }

  if (is_term) {
    struct termios raw = saved;
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  }
  struct sigaction winch = {0};
  winch.sa_handler = on_winch;
  sigaction(SIGWINCH, &winch, NULL);
  signal(SIGHUP, SIG_IGN); /* the lost terminal shows as end of input below */

  char buf[8192];
  struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = master, .events = POLLIN}};
  for (;;) {
    if (resized) {
      resized = 0;
      if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) ioctl(master, TIOCSWINSZ, &size);
    }
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break; /* the person is gone: close the pty, never send an end-of-file */
      if (write_all(master, buf, n) < 0) break;
      if (log >= 0) write_all(log, buf, n);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break; /* the command ended */
      if (write_all(STDOUT_FILENO, buf, n) < 0) break;
    }
  }

  if (is_term) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  close(master); /* the child's terminal hangs up: a tmux client detaches */
  kill(child, SIGHUP);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
