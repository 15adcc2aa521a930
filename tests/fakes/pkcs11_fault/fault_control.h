/* What the test asks the fault module to do, read from the control file
 * ($SSHCA_FAULT_CONTROL). The file is re-read when it changes (inode,
 * size or mtime), so a test writes a new one and renames it into place.
 *
 * One directive a line, '#' starts a comment:
 *   token = present | absent | no-slot
 *       absent: the token left its reader (C_GetSlotList with tokenPresent
 *       lists nothing, C_GetTokenInfo / C_OpenSession answer
 *       CKR_TOKEN_NOT_PRESENT, open sessions CKR_DEVICE_REMOVED);
 *       no-slot: the reader is gone too (CKR_SLOT_ID_INVALID).
 *   sign-delay-ms = N     every C_Sign waits N ms before it reaches the token
 *   fail = C_Name CKR_CODE [COUNT]
 *       the next COUNT calls of C_Name (every call without COUNT) return
 *       CKR_CODE without reaching the token; COUNT restarts when the file
 *       changes (each process that loads the module counts its own).
 *       CKR_CODE is a name (CKR_DEVICE_ERROR) or a number (0x30). A failed
 *       C_Sign still ends the real signing operation, as a real one would.
 */
#ifndef SSHCA_FAULT_CONTROL_H
#define SSHCA_FAULT_CONTROL_H

#include <p11-kit/pkcs11.h>

#define FAULT_MAX_RULES 16

enum fault_token_state { FAULT_TOKEN_PRESENT, FAULT_TOKEN_ABSENT, FAULT_TOKEN_NO_SLOT };

struct fault_rule {
  int function; /* index into fault_function_names */
  CK_RV rv;
  long remaining; /* < 0: every call */
};

struct fault_control {
  enum fault_token_state token;
  long sign_delay_ms;
  int nrules;
  struct fault_rule rules[FAULT_MAX_RULES];
};

/* Parses the file's text; unknown lines are reported on stderr and skipped. */
void fault_control_parse(const char* text, struct fault_control* out);

/* CKR_* name or number to its value; 0 with *ok = 0 when unknown. */
CK_RV fault_ckr_value(const char* s, int* ok);

#endif
