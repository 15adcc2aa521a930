/* A PKCS#11 module for tests that forwards every call to a real module
 * (SoftHSM2 by default) and fails on command: the token leaves its reader
 * and comes back, chosen calls fail with chosen CKR codes, C_Sign is slow,
 * and every call is counted. The test steers it through two files:
 *
 *   SSHCA_FAULT_MODULE   the real module (default /usr/lib/softhsm/libsofthsm2.so)
 *   SSHCA_FAULT_CONTROL  what to do (fault_control.h), re-read when it changes
 *   SSHCA_FAULT_COUNTS   where the call counts go (fault_counts.h)
 *
 * A removed token behaves like a card pulled from a reader: its sessions
 * and its login end (the real module's sessions are closed, which logs
 * SoftHSM2 out), open sessions answer CKR_DEVICE_REMOVED while it is away,
 * and once it is back every session and object handle from before answers
 * CKR_SESSION_HANDLE_INVALID / CKR_OBJECT_HANDLE_INVALID (KEY_HANDLE_INVALID
 * for keys), as OpenSC's module does. Handles are made unique per
 * insertion by carrying the insertion number ("epoch") in their upper 32
 * bits, so a handle from before never names something new by accident.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#include "fault_control.h"
#include "fault_counts.h"
#include "fault_functions.h"

#define DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define EXPORT __attribute__((visibility("default")))

_Static_assert(sizeof(CK_ULONG) >= 8, "handles carry the epoch in their upper 32 bits");

static CK_FUNCTION_LIST* real; /* the real module's functions */
static CK_FUNCTION_LIST ours;  /* ours, filled in by C_GetFunctionList */
static pthread_once_t gLoadOnce = PTHREAD_ONCE_INIT;
static CK_RV gLoadResult = CKR_GENERAL_ERROR;

/* Forwarded calls hold it shared; a removal (closing every real session)
 * holds it exclusively, so no real call is in flight on a session it closes. */
static pthread_rwlock_t gRw = PTHREAD_RWLOCK_INITIALIZER;
static CK_ULONG gEpoch = 1; /* guarded by gRw */

static pthread_mutex_t gCtlMu = PTHREAD_MUTEX_INITIALIZER;
static const char* gCtlPath;      /* NULL: forward only */
static struct fault_control gCtl; /* guarded by gCtlMu */
static struct stat gCtlStat;      /* the file as last read; guarded by gCtlMu */
static int gCtlSeen;              /* guarded by gCtlMu */
static int gRemovalPending;       /* guarded by gCtlMu */
static atomic_long gSignsInFlight;

/* ---- loading the real module --------------------------------------------- */

static void load_real(void) {
  const char* path = getenv("SSHCA_FAULT_MODULE");
  if (!path || !*path) path = DEFAULT_MODULE;
  void* dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    fprintf(stderr, "pkcs11_fault: cannot load %s: %s\n", path, dlerror());
    return;
  }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(dl, "C_GetFunctionList");
  if (!get || get(&real) != CKR_OK || !real) {
    fprintf(stderr, "pkcs11_fault: %s is not a PKCS#11 module\n", path);
    real = NULL;
    return;
  }
  gCtlPath = getenv("SSHCA_FAULT_CONTROL");
  if (gCtlPath && !*gCtlPath) gCtlPath = NULL;
  gCtl.token = FAULT_TOKEN_PRESENT;
  fault_counts_open(getenv("SSHCA_FAULT_COUNTS"));
  gLoadResult = CKR_OK;
}

/* ---- the control file ----------------------------------------------------- */

static int same_file(const struct stat* a, const struct stat* b) {
  return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static char* read_file(const char* path) {
  FILE* f = fopen(path, "re");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char* buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == cap) {
      char* bigger = realloc(buf, cap *= 2);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  fclose(f);
  if (buf) buf[n] = '\0';
  return buf;
}

/* Called with gCtlMu held: re-reads the file if it changed. A missing file
 * means no faults. */
static void refresh_control_locked(void) {
  if (!gCtlPath) return;
  struct stat st;
  int exists = stat(gCtlPath, &st) == 0;
  if (exists && gCtlSeen && same_file(&st, &gCtlStat)) return;
  if (!exists && !gCtlSeen) return;
  enum fault_token_state before = gCtl.token;
  char* text = exists ? read_file(gCtlPath) : NULL;
  fault_control_parse(text ? text : "", &gCtl);
  free(text);
  gCtlSeen = exists;
  if (exists) gCtlStat = st;
  if (before == FAULT_TOKEN_PRESENT && gCtl.token != FAULT_TOKEN_PRESENT) gRemovalPending = 1;
}

/* The token left: every real session closes (SoftHSM2 logs out with its
 * last session) and every handle handed out so far goes stale. */
static void remove_token(void) {
  pthread_rwlock_wrlock(&gRw);
  CK_ULONG n = 0;
  if (real->C_GetSlotList(CK_FALSE, NULL, &n) == CKR_OK && n > 0) {
    CK_SLOT_ID* slots = calloc(n, sizeof *slots);
    if (slots && real->C_GetSlotList(CK_FALSE, slots, &n) == CKR_OK)
      for (CK_ULONG i = 0; i < n; i++) real->C_CloseAllSessions(slots[i]);
    free(slots);
  }
  gEpoch++;
  pthread_rwlock_unlock(&gRw);
}

/* Every wrapper starts here: counts the call, applies the control file and
 * answers an injected failure. On CKR_OK the caller holds gRw shared and
 * must call leave(). */
static CK_RV enter_injected(int function, enum fault_token_state* state, CK_RV* injected_out);

static CK_RV enter(int function, enum fault_token_state* state) {
  CK_RV injected = CKR_OK;
  CK_RV rv = enter_injected(function, state, &injected);
  if (rv != CKR_OK) return rv;
  if (injected != CKR_OK) {
    pthread_rwlock_unlock(&gRw);
    return injected;
  }
  return CKR_OK;
}

/* enter(), but an injected failure is handed back in *injected_out with gRw
 * held, for a caller that must still end the real operation. */
static CK_RV enter_injected(int function, enum fault_token_state* state, CK_RV* injected_out) {
  if (!real) return CKR_GENERAL_ERROR;
  fault_counts_add(function);
  pthread_mutex_lock(&gCtlMu);
  refresh_control_locked();
  *state = gCtl.token;
  CK_RV injected = CKR_OK;
  for (int i = 0; i < gCtl.nrules; i++) {
    struct fault_rule* r = &gCtl.rules[i];
    if (r->function != function || r->remaining == 0) continue;
    injected = r->rv;
    if (r->remaining > 0) r->remaining--;
    break;
  }
  int removal = gRemovalPending;
  gRemovalPending = 0;
  pthread_mutex_unlock(&gCtlMu);
  if (removal) remove_token();
  pthread_rwlock_rdlock(&gRw);
  *injected_out = injected;
  return CKR_OK;
}

static void leave(void) { pthread_rwlock_unlock(&gRw); }

static long sign_delay_ms(void) {
  pthread_mutex_lock(&gCtlMu);
  refresh_control_locked();
  long ms = gCtl.sign_delay_ms;
  pthread_mutex_unlock(&gCtlMu);
  return ms;
}

/* ---- handles (called with gRw held) --------------------------------------- */

static CK_RV session_in(CK_SESSION_HANDLE h, enum fault_token_state state, CK_SESSION_HANDLE* out) {
  if (state != FAULT_TOKEN_PRESENT) return CKR_DEVICE_REMOVED;
  if ((h >> 32) != gEpoch) return CKR_SESSION_HANDLE_INVALID;
  *out = h & 0xffffffffUL;
  return CKR_OK;
}

static CK_RV object_in(CK_OBJECT_HANDLE h, CK_RV stale, CK_OBJECT_HANDLE* out) {
  if (h == CK_INVALID_HANDLE) {
    *out = CK_INVALID_HANDLE;
    return CKR_OK;
  }
  if ((h >> 32) != gEpoch) return stale;
  *out = h & 0xffffffffUL;
  return CKR_OK;
}

static CK_ULONG handle_out(CK_ULONG real_handle) {
  if (real_handle == CK_INVALID_HANDLE) return real_handle;
  if (real_handle > 0xffffffffUL) fprintf(stderr, "pkcs11_fault: handle %lu does not fit in 32 bits\n", real_handle);
  return (gEpoch << 32) | (real_handle & 0xffffffffUL);
}

/* A slot call: the slot is gone with its reader, or the token is not in it. */
static CK_RV slot_state(enum fault_token_state state) {
  if (state == FAULT_TOKEN_NO_SLOT) return CKR_SLOT_ID_INVALID;
  if (state == FAULT_TOKEN_ABSENT) return CKR_TOKEN_NOT_PRESENT;
  return CKR_OK;
}

/* ---- module and slot functions -------------------------------------------- */

#define ENTER(name)                 \
  enum fault_token_state st;        \
  CK_RV rv = enter(FN_##name, &st); \
  if (rv != CKR_OK) return rv

static CK_RV f_Initialize(CK_VOID_PTR args) {
  ENTER(C_Initialize);
  rv = real->C_Initialize(args);
  leave();
  return rv;
}

static CK_RV f_Finalize(CK_VOID_PTR reserved) {
  ENTER(C_Finalize);
  rv = real->C_Finalize(reserved);
  leave();
  return rv;
}

static CK_RV f_GetInfo(CK_INFO_PTR info) {
  ENTER(C_GetInfo);
  rv = real->C_GetInfo(info);
  leave();
  return rv;
}

static CK_RV f_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (!list) return CKR_ARGUMENTS_BAD;
  *list = &ours;
  return CKR_OK;
}

static CK_RV f_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  ENTER(C_GetSlotList);
  if (st == FAULT_TOKEN_NO_SLOT || (st == FAULT_TOKEN_ABSENT && tokenPresent)) {
    *count = 0;
    rv = CKR_OK;
  } else {
    rv = real->C_GetSlotList(tokenPresent, list, count);
  }
  leave();
  return rv;
}

static CK_RV f_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
  ENTER(C_GetSlotInfo);
  if (st == FAULT_TOKEN_NO_SLOT) {
    rv = CKR_SLOT_ID_INVALID;
  } else {
    rv = real->C_GetSlotInfo(slot, info);
    if (rv == CKR_OK && st == FAULT_TOKEN_ABSENT) info->flags &= ~(CK_FLAGS)CKF_TOKEN_PRESENT;
  }
  leave();
  return rv;
}

#define WRAP_SLOT(name, decl, call)             \
  static CK_RV f_##name decl {                  \
    ENTER(C_##name);                            \
    rv = slot_state(st);                        \
    if (rv == CKR_OK) rv = real->C_##name call; \
    leave();                                    \
    return rv;                                  \
  }

WRAP_SLOT(GetTokenInfo, (CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info), (slot, info))
WRAP_SLOT(GetMechanismList, (CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count), (slot, list, count))
WRAP_SLOT(GetMechanismInfo, (CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info), (slot, type, info))
WRAP_SLOT(InitToken, (CK_SLOT_ID slot, CK_UTF8CHAR_PTR pin, CK_ULONG n, CK_UTF8CHAR_PTR label), (slot, pin, n, label))

static CK_RV f_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                           CK_SESSION_HANDLE_PTR session) {
  ENTER(C_OpenSession);
  rv = slot_state(st);
  if (rv == CKR_OK) rv = real->C_OpenSession(slot, flags, app, notify, session);
  if (rv == CKR_OK) *session = handle_out(*session);
  leave();
  return rv;
}

static CK_RV f_CloseAllSessions(CK_SLOT_ID slot) {
  ENTER(C_CloseAllSessions);
  if (st == FAULT_TOKEN_NO_SLOT)
    rv = CKR_SLOT_ID_INVALID;
  else if (st == FAULT_TOKEN_ABSENT)
    rv = CKR_OK; /* closed when the token left */
  else
    rv = real->C_CloseAllSessions(slot);
  leave();
  return rv;
}

static CK_RV f_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved) {
  ENTER(C_WaitForSlotEvent);
  leave(); /* may block: never while holding the lock a removal needs */
  return real->C_WaitForSlotEvent(flags, slot, reserved);
}

/* ---- session functions without object handles ----------------------------- */

#define WRAP_SESSION(name, decl, call)          \
  static CK_RV f_##name decl {                  \
    ENTER(C_##name);                            \
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;    \
    rv = session_in(h, st, &s);                 \
    if (rv == CKR_OK) rv = real->C_##name call; \
    leave();                                    \
    return rv;                                  \
  }

WRAP_SESSION(CloseSession, (CK_SESSION_HANDLE h), (s))
WRAP_SESSION(GetSessionInfo, (CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info), (s, info))
WRAP_SESSION(GetOperationState, (CK_SESSION_HANDLE h, CK_BYTE_PTR state, CK_ULONG_PTR n), (s, state, n))
WRAP_SESSION(InitPIN, (CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG n), (s, pin, n))
WRAP_SESSION(SetPIN, (CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR old, CK_ULONG on, CK_UTF8CHAR_PTR nw, CK_ULONG nn),
             (s, old, on, nw, nn))
WRAP_SESSION(Login, (CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG n), (s, user, pin, n))
WRAP_SESSION(Logout, (CK_SESSION_HANDLE h), (s))
WRAP_SESSION(FindObjectsFinal, (CK_SESSION_HANDLE h), (s))
WRAP_SESSION(Encrypt, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(EncryptUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(EncryptFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR o, CK_ULONG_PTR on), (s, o, on))
WRAP_SESSION(Decrypt, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(DecryptUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(DecryptFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR o, CK_ULONG_PTR on), (s, o, on))
WRAP_SESSION(DigestInit, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m), (s, m))
WRAP_SESSION(Digest, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(DigestUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn), (s, d, dn))
WRAP_SESSION(DigestFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR o, CK_ULONG_PTR on), (s, o, on))
WRAP_SESSION(SignUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn), (s, d, dn))
WRAP_SESSION(SignFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR o, CK_ULONG_PTR on), (s, o, on))
WRAP_SESSION(SignRecover, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(Verify, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR sig, CK_ULONG sn),
             (s, d, dn, sig, sn))
WRAP_SESSION(VerifyUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn), (s, d, dn))
WRAP_SESSION(VerifyFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sn), (s, sig, sn))
WRAP_SESSION(VerifyRecover, (CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, sig, sn, o, on))
WRAP_SESSION(DigestEncryptUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(DecryptDigestUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(SignEncryptUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(DecryptVerifyUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR o, CK_ULONG_PTR on),
             (s, d, dn, o, on))
WRAP_SESSION(SeedRandom, (CK_SESSION_HANDLE h, CK_BYTE_PTR seed, CK_ULONG n), (s, seed, n))
WRAP_SESSION(GenerateRandom, (CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG n), (s, out, n))
WRAP_SESSION(GetFunctionStatus, (CK_SESSION_HANDLE h), (s))
WRAP_SESSION(CancelFunction, (CK_SESSION_HANDLE h), (s))

/* C_SetOperationState names two keys (encryption and authentication). */
static CK_RV f_SetOperationState(CK_SESSION_HANDLE h, CK_BYTE_PTR state, CK_ULONG n, CK_OBJECT_HANDLE enc,
                                 CK_OBJECT_HANDLE auth) {
  ENTER(C_SetOperationState);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE e = CK_INVALID_HANDLE, a = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = object_in(enc, CKR_KEY_HANDLE_INVALID, &e);
  if (rv == CKR_OK) rv = object_in(auth, CKR_KEY_HANDLE_INVALID, &a);
  if (rv == CKR_OK) rv = real->C_SetOperationState(s, state, n, e, a);
  leave();
  return rv;
}

/* ---- functions that take one object or key handle ------------------------- */

#define WRAP_OBJECT(name, stale, decl, call)          \
  static CK_RV f_##name decl {                        \
    ENTER(C_##name);                                  \
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;          \
    CK_OBJECT_HANDLE o = CK_INVALID_HANDLE;           \
    rv = session_in(h, st, &s);                       \
    if (rv == CKR_OK) rv = object_in(obj, stale, &o); \
    if (rv == CKR_OK) rv = real->C_##name call;       \
    leave();                                          \
    return rv;                                        \
  }

WRAP_OBJECT(DestroyObject, CKR_OBJECT_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj), (s, o))
WRAP_OBJECT(GetObjectSize, CKR_OBJECT_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ULONG_PTR n),
            (s, o, n))
WRAP_OBJECT(GetAttributeValue, CKR_OBJECT_HANDLE_INVALID,
            (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR t, CK_ULONG n), (s, o, t, n))
WRAP_OBJECT(SetAttributeValue, CKR_OBJECT_HANDLE_INVALID,
            (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR t, CK_ULONG n), (s, o, t, n))
WRAP_OBJECT(EncryptInit, CKR_KEY_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE obj),
            (s, m, o))
WRAP_OBJECT(DecryptInit, CKR_KEY_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE obj),
            (s, m, o))
WRAP_OBJECT(DigestKey, CKR_KEY_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj), (s, o))
WRAP_OBJECT(SignInit, CKR_KEY_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE obj),
            (s, m, o))
WRAP_OBJECT(SignRecoverInit, CKR_KEY_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE obj),
            (s, m, o))
WRAP_OBJECT(VerifyInit, CKR_KEY_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE obj),
            (s, m, o))
WRAP_OBJECT(VerifyRecoverInit, CKR_KEY_HANDLE_INVALID, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE obj),
            (s, m, o))

/* ---- functions that hand out object handles ------------------------------- */

static CK_RV f_FindObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
  ENTER(C_FindObjectsInit);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = real->C_FindObjectsInit(s, t, n);
  leave();
  return rv;
}

static CK_RV f_FindObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count) {
  ENTER(C_FindObjects);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = real->C_FindObjects(s, out, max, count);
  if (rv == CKR_OK)
    for (CK_ULONG i = 0; i < *count; i++) out[i] = handle_out(out[i]);
  leave();
  return rv;
}

static CK_RV f_CreateObject(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR obj) {
  ENTER(C_CreateObject);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = real->C_CreateObject(s, t, n, obj);
  if (rv == CKR_OK) *obj = handle_out(*obj);
  leave();
  return rv;
}

static CK_RV f_CopyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE from, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                          CK_OBJECT_HANDLE_PTR obj) {
  ENTER(C_CopyObject);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE f = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = object_in(from, CKR_OBJECT_HANDLE_INVALID, &f);
  if (rv == CKR_OK) rv = real->C_CopyObject(s, f, t, n, obj);
  if (rv == CKR_OK) *obj = handle_out(*obj);
  leave();
  return rv;
}

static CK_RV f_GenerateKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                           CK_OBJECT_HANDLE_PTR key) {
  ENTER(C_GenerateKey);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = real->C_GenerateKey(s, m, t, n, key);
  if (rv == CKR_OK) *key = handle_out(*key);
  leave();
  return rv;
}

static CK_RV f_GenerateKeyPair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pubT, CK_ULONG pubN,
                               CK_ATTRIBUTE_PTR privT, CK_ULONG privN, CK_OBJECT_HANDLE_PTR pub,
                               CK_OBJECT_HANDLE_PTR priv) {
  ENTER(C_GenerateKeyPair);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = real->C_GenerateKeyPair(s, m, pubT, pubN, privT, privN, pub, priv);
  if (rv == CKR_OK) {
    *pub = handle_out(*pub);
    *priv = handle_out(*priv);
  }
  leave();
  return rv;
}

static CK_RV f_WrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                       CK_BYTE_PTR out, CK_ULONG_PTR n) {
  ENTER(C_WrapKey);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE w = CK_INVALID_HANDLE, k = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = object_in(wrapping, CKR_WRAPPING_KEY_HANDLE_INVALID, &w);
  if (rv == CKR_OK) rv = object_in(key, CKR_KEY_HANDLE_INVALID, &k);
  if (rv == CKR_OK) rv = real->C_WrapKey(s, m, w, k, out, n);
  leave();
  return rv;
}

static CK_RV f_UnwrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE unwrapping, CK_BYTE_PTR in,
                         CK_ULONG inN, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR key) {
  ENTER(C_UnwrapKey);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE u = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = object_in(unwrapping, CKR_UNWRAPPING_KEY_HANDLE_INVALID, &u);
  if (rv == CKR_OK) rv = real->C_UnwrapKey(s, m, u, in, inN, t, n, key);
  if (rv == CKR_OK) *key = handle_out(*key);
  leave();
  return rv;
}

static CK_RV f_DeriveKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE base, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                         CK_OBJECT_HANDLE_PTR key) {
  ENTER(C_DeriveKey);
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE b = CK_INVALID_HANDLE;
  rv = session_in(h, st, &s);
  if (rv == CKR_OK) rv = object_in(base, CKR_KEY_HANDLE_INVALID, &b);
  if (rv == CKR_OK) rv = real->C_DeriveKey(s, m, b, t, n, key);
  if (rv == CKR_OK) *key = handle_out(*key);
  leave();
  return rv;
}

/* ---- C_Sign: slow on command ----------------------------------------------- */

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* The delay comes before the control file is read for the call itself, so
 * a token removed while C_Sign waits fails that C_Sign (CKR_DEVICE_REMOVED),
 * as when a reader is pulled in the middle of a signature. */
static CK_RV f_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR sig, CK_ULONG_PTR sn) {
  if (!real) return CKR_GENERAL_ERROR;
  fault_counts_max_sign(atomic_fetch_add(&gSignsInFlight, 1) + 1);
  long delay = sign_delay_ms();
  if (delay > 0) sleep_ms(delay);
  enum fault_token_state st;
  CK_RV injected = CKR_OK;
  CK_RV rv = enter_injected(FN_C_Sign, &st, &injected);
  if (rv == CKR_OK) {
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    rv = session_in(h, st, &s);
    if (rv == CKR_OK && injected != CKR_OK) {
      /* A failed C_Sign ends the operation on a real token: end the real
       * one too, into a scratch buffer, so the next C_SignInit works. */
      CK_BYTE scratch[1024];
      CK_ULONG n = sizeof scratch;
      real->C_Sign(s, d, dn, scratch, &n);
      rv = injected;
    } else if (rv == CKR_OK) {
      rv = real->C_Sign(s, d, dn, sig, sn);
    }
    leave();
  }
  atomic_fetch_sub(&gSignsInFlight, 1);
  return rv;
}

/* ---- the function list ----------------------------------------------------- */

static void fill_list(void) {
  ours.version = real->version;
#define SET(name) ours.C_##name = f_##name;
  SET(Initialize)
  SET(Finalize) SET(GetInfo) SET(GetFunctionList) SET(GetSlotList) SET(GetSlotInfo) SET(GetTokenInfo)
      SET(GetMechanismList) SET(GetMechanismInfo) SET(InitToken) SET(InitPIN) SET(SetPIN) SET(OpenSession)
          SET(CloseSession) SET(CloseAllSessions) SET(GetSessionInfo) SET(GetOperationState) SET(SetOperationState)
              SET(Login) SET(Logout) SET(CreateObject) SET(CopyObject) SET(DestroyObject) SET(GetObjectSize)
                  SET(GetAttributeValue) SET(SetAttributeValue) SET(FindObjectsInit) SET(FindObjects)
                      SET(FindObjectsFinal) SET(EncryptInit) SET(Encrypt) SET(EncryptUpdate) SET(EncryptFinal)
                          SET(DecryptInit) SET(Decrypt) SET(DecryptUpdate) SET(DecryptFinal) SET(DigestInit) SET(Digest)
                              SET(DigestUpdate) SET(DigestKey) SET(DigestFinal) SET(SignInit) SET(Sign) SET(SignUpdate)
                                  SET(SignFinal) SET(SignRecoverInit) SET(SignRecover) SET(VerifyInit) SET(Verify)
                                      SET(VerifyUpdate) SET(VerifyFinal) SET(VerifyRecoverInit) SET(VerifyRecover)
                                          SET(DigestEncryptUpdate) SET(DecryptDigestUpdate) SET(SignEncryptUpdate)
                                              SET(DecryptVerifyUpdate) SET(GenerateKey) SET(GenerateKeyPair)
                                                  SET(WrapKey) SET(UnwrapKey) SET(DeriveKey) SET(SeedRandom)
                                                      SET(GenerateRandom) SET(GetFunctionStatus) SET(CancelFunction)
                                                          SET(WaitForSlotEvent)
#undef SET
}

static void load_once(void) {
  load_real();
  if (gLoadResult == CKR_OK) fill_list();
}

EXPORT CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  pthread_once(&gLoadOnce, load_once);
  if (gLoadResult != CKR_OK) return gLoadResult;
  return f_GetFunctionList(list);
}
