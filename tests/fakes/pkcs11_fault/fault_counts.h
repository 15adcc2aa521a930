/* Call counts in a text file the test reads ($SSHCA_FAULT_COUNTS): one
 * line per PKCS#11 function, "C_Sign 12", then "max-concurrent-C_Sign N"
 * (the most C_Sign calls one process had in flight at once). Every process
 * that loads the module adds to the same file (fixed-width lines, updated
 * in place under flock), so a test subtracts a reading taken before from
 * one taken after rather than resetting the file. */
#ifndef SSHCA_FAULT_COUNTS_H
#define SSHCA_FAULT_COUNTS_H

/* Opens (creating if needed) and maps the file; a no-op without a path. */
void fault_counts_open(const char* path);

/* Adds one to function `index`'s count. */
void fault_counts_add(int index);

/* Raises max-concurrent-C_Sign to `value` if it is lower. */
void fault_counts_max_sign(long value);

#endif
