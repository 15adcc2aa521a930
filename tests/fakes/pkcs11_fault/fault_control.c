#include "fault_control.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_functions.h"

#define CKR_NAME(x) \
  { #x, x }
static const struct {
  const char* name;
  CK_RV rv;
} kCodes[] = {
    CKR_NAME(CKR_OK),
    CKR_NAME(CKR_GENERAL_ERROR),
    CKR_NAME(CKR_FUNCTION_FAILED),
    CKR_NAME(CKR_SLOT_ID_INVALID),
    CKR_NAME(CKR_DEVICE_ERROR),
    CKR_NAME(CKR_DEVICE_MEMORY),
    CKR_NAME(CKR_DEVICE_REMOVED),
    CKR_NAME(CKR_TOKEN_NOT_PRESENT),
    CKR_NAME(CKR_TOKEN_NOT_RECOGNIZED),
    CKR_NAME(CKR_SESSION_HANDLE_INVALID),
    CKR_NAME(CKR_SESSION_CLOSED),
    CKR_NAME(CKR_SESSION_COUNT),
    CKR_NAME(CKR_OBJECT_HANDLE_INVALID),
    CKR_NAME(CKR_KEY_HANDLE_INVALID),
    CKR_NAME(CKR_USER_NOT_LOGGED_IN),
    CKR_NAME(CKR_USER_ALREADY_LOGGED_IN),
    CKR_NAME(CKR_PIN_INCORRECT),
    CKR_NAME(CKR_PIN_LOCKED),
    CKR_NAME(CKR_PIN_EXPIRED),
    CKR_NAME(CKR_MECHANISM_INVALID),
    CKR_NAME(CKR_OPERATION_ACTIVE),
    CKR_NAME(CKR_OPERATION_NOT_INITIALIZED),
    CKR_NAME(CKR_HOST_MEMORY),
    CKR_NAME(CKR_CRYPTOKI_NOT_INITIALIZED),
    CKR_NAME(CKR_FUNCTION_CANCELED),
    CKR_NAME(CKR_DATA_LEN_RANGE),
    CKR_NAME(CKR_BUFFER_TOO_SMALL),
};
#undef CKR_NAME

CK_RV fault_ckr_value(const char* s, int* ok) {
  *ok = 1;
  for (size_t i = 0; i < sizeof kCodes / sizeof kCodes[0]; i++)
    if (strcmp(kCodes[i].name, s) == 0) return kCodes[i].rv;
  char* end = NULL;
  unsigned long v = strtoul(s, &end, 0);
  if (end && end != s && *end == '\0') return v;
  *ok = 0;
  return 0;
}

static char* trim(char* s) {
  while (isspace((unsigned char)*s)) s++;
  char* e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

static void parse_fail(char* value, struct fault_control* out) {
  char fn[64] = "", code[64] = "";
  long count = -1;
  if (sscanf(value, "%63s %63s %ld", fn, code, &count) < 2) {
    fprintf(stderr, "pkcs11_fault: 'fail = C_Name CKR_CODE [COUNT]' expected, got '%s'\n", value);
    return;
  }
  int index = fault_function_index(fn);
  int ok = 0;
  CK_RV rv = fault_ckr_value(code, &ok);
  if (index < 0 || !ok || out->nrules == FAULT_MAX_RULES) {
    fprintf(stderr, "pkcs11_fault: cannot use 'fail = %s'\n", value);
    return;
  }
  out->rules[out->nrules++] = (struct fault_rule){index, rv, count};
}

static void parse_line(char* line, struct fault_control* out) {
  char* hash = strchr(line, '#');
  if (hash) *hash = '\0';
  line = trim(line);
  if (*line == '\0') return;
  char* eq = strchr(line, '=');
  if (!eq) {
    fprintf(stderr, "pkcs11_fault: no '=' in '%s'\n", line);
    return;
  }
  *eq = '\0';
  char* key = trim(line);
  char* value = trim(eq + 1);
  if (strcmp(key, "token") == 0) {
    if (strcmp(value, "present") == 0)
      out->token = FAULT_TOKEN_PRESENT;
    else if (strcmp(value, "absent") == 0)
      out->token = FAULT_TOKEN_ABSENT;
    else if (strcmp(value, "no-slot") == 0)
      out->token = FAULT_TOKEN_NO_SLOT;
    else
      fprintf(stderr, "pkcs11_fault: token = present | absent | no-slot, not '%s'\n", value);
  } else if (strcmp(key, "sign-delay-ms") == 0) {
    out->sign_delay_ms = strtol(value, NULL, 10);
  } else if (strcmp(key, "fail") == 0) {
    parse_fail(value, out);
  } else {
    fprintf(stderr, "pkcs11_fault: unknown directive '%s'\n", key);
  }
}

void fault_control_parse(const char* text, struct fault_control* out) {
  memset(out, 0, sizeof *out);
  out->token = FAULT_TOKEN_PRESENT;
  char* copy = strdup(text);
  if (!copy) return;
  char* save = NULL;
  for (char* line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) parse_line(line, out);
  free(copy);
}
