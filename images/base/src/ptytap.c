/*
 * ptytap LOG CMD [ARG...]: runs CMD on a new pseudo-terminal, relays this terminal to it both ways,
 * and appends every byte read from standard input (what the person types) to LOG.
 *
 * Why not script(1): when its input ends (an SSH client disconnects), script writes an end-of-file
 * (Ctrl-D) into the child. Here the child is a tmux client of the ONE shared session, and that
 * Ctrl-D would reach the shared shell and end it for everyone. ptytap instead closes the pty, so
 * the tmux client just detaches (SIGHUP). Window size changes are passed on (SIGWINCH).
 *
 * What goes back to the person's terminal is filtered: the string sequences that write outside the
 * screen (OSC: clipboard with OSC 52, titles, colours, hyperlinks; DCS, including tmux passthrough;
 * APC, PM, SOS) are dropped, so nothing printed in the shared session can write to an
 * interviewer's clipboard or speak to their terminal. Ordinary escape sequences (colours, cursor)
 * pass unchanged. The filter keeps its state across reads, as a sequence may be split.
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

/* The output filter's state: in text, after an ESC, after a UTF-8 lead byte 0xC2 (which may begin
 * a C1 control, U+0080-U+009F), inside a dropped string, or after an ESC inside one. */
enum filter_state { TEXT, ESCAPE, C1, STRING, STRING_ESCAPE };
static enum filter_state filter = TEXT;

/* The bytes that open a string sequence after ESC (OSC, DCS, APC, PM, SOS), and as C1 controls. */
static int opens_string(unsigned char c) { return c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X'; }
static int opens_string_c1(unsigned char c) { return c == 0x9d || c == 0x90 || c == 0x9f || c == 0x9e || c == 0x98; }

/* Filters len bytes of in into out (which holds len + 1: a byte held back from the last call); returns
 * the length written. */
static ssize_t filter_output(const char *in, ssize_t len, char *out) {
  ssize_t n = 0;
  for (ssize_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)in[i];
    switch (filter) {
    case TEXT:
      if (c == 0x1b) filter = ESCAPE; /* held back until the next byte says what it starts */
      else if (c == 0xc2) filter = C1;
      else out[n++] = (char)c;
      break;
    case ESCAPE:
      if (opens_string(c)) {
        filter = STRING;
      } else if (c == '\\') {
        filter = TEXT; /* a string terminator with no string: dropped */
      } else if (c == 0x1b) {
        out[n++] = 0x1b; /* the first ESC stood alone; this one is held back in turn */
      } else {
        out[n++] = 0x1b;
        out[n++] = (char)c;
        filter = TEXT;
      }
      break;
    case C1:
      if (opens_string_c1(c)) {
        filter = STRING;
      } else if (c >= 0x80 && c <= 0x9f) {
        filter = TEXT; /* another C1 control: dropped */
      } else {
        out[n++] = (char)0xc2; /* an ordinary character (U+00A0-U+00BF), or not UTF-8 at all */
        if (c == 0xc2) {
          filter = C1; /* this one is held back in turn */
        } else if (c == 0x1b) {
          filter = ESCAPE;
        } else {
          out[n++] = (char)c;
          filter = TEXT;
        }
      }
      break;
    case STRING:
      if (c == 0x07 || c == 0x9c) filter = TEXT; /* BEL ends an OSC; ST as a C1 control */
      else if (c == 0x1b) filter = STRING_ESCAPE;
      break;
    case STRING_ESCAPE:
      if (c == '\\') filter = TEXT; /* ST */
      else if (c != 0x1b) filter = STRING; /* tmux doubles an ESC inside its passthrough */
      break;
    }
  }
  return n;
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

  char buf[8192], shown[sizeof buf + 1];
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
      n = filter_output(buf, n, shown);
      if (n > 0 && write_all(STDOUT_FILENO, shown, n) < 0) break;
    }
  }

  if (is_term) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  close(master); /* the child's terminal hangs up: a tmux client detaches */
  kill(child, SIGHUP);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
