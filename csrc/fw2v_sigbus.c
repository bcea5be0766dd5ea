/* fw2v_sigbus.c: a one-line message when a memory-mapped vectors file is cut underneath us.
 *
 * Reading a page of a mapping whose file another process truncated raises SIGBUS, which
 * no Python code can catch: the process dies with no word. This handler writes one line
 * naming the mapped files and what to do, then puts back the previous handler (Python's
 * faulthandler, or the default) and returns, so the access faults again and that handler
 * ends the process as before. The list of files is the one global state in csrc/: a
 * signal handler cannot be handed anything else.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction under -std=c11 */
#include "fw2v_vecio.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define NOTE_MAX 4096
static char note[NOTE_MAX];
static volatile sig_atomic_t note_len = 0;
static struct sigaction previous;
static int installed = 0;

static void on_sigbus(int sig)
{
    (void)sig;
    ssize_t ignored = write(2, note, (size_t)note_len);
    (void)ignored;
    sigaction(SIGBUS, &previous, NULL);
    installed = 0;
}

static void append(const char *text)
{
    size_t len = strlen(text), at = (size_t)note_len;
    if (at + len >= NOTE_MAX) len = NOTE_MAX - 1 - at;
    memcpy(note + at, text, len);
    note_len = (sig_atomic_t)(at + len);
}

int fw2v_sigbus_note(const char *path)
{
    static const char tail[] =
        ") was truncated or rewritten in place while memory-mapped (SIGBUS); load it "
        "with KeyedVectors.load(path, mmap=False) to keep a private copy\n";
    /* Rebuild "fastw2v: the vectors file (a, b) ..." with the new path first. */
    char old[NOTE_MAX];
    size_t keep = 0;
    const char *head = "fastw2v: a vectors file (";
    if (note_len > 0) {
        size_t start = strlen(head), end = (size_t)note_len - (sizeof(tail) - 1);
        keep = end > start ? end - start : 0;
        memcpy(old, note + start, keep);
    }
    note_len = 0;
    append(head);
    append(path);
    if (keep && (size_t)note_len + 2 + keep + sizeof(tail) < NOTE_MAX) {
        append(", ");
        memcpy(note + note_len, old, keep);
        note_len = (sig_atomic_t)(note_len + (sig_atomic_t)keep);
    }
    append(tail);
    if (installed) return 0;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_sigbus;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGBUS, &action, &previous)) return -1;
    installed = 1;
    return 0;
}
