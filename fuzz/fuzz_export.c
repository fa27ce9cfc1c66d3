/*
 * fuzz_export.c — libFuzzer target for the export records `import jsonl` reads back
 * (kb_engine_import_record in lib/engine/export_jsonl.c), parsing and checking only.
 *
 * Any bytes go in, split at '\n' like a JSON Lines file.  Each line that kb_export_is_record
 * recognises goes through kb_engine_import_record with write false: the path an atomic
 * import takes after a bad line, which parses and validates every record kind without a
 * store (no store is passed: touching it would crash, so the invariant "check-only never
 * writes" is enforced too).  Invariants: a refusal is KB_EINVAL or KB_ETOOBIG with a
 * message; an accepted record reports no outcome (nothing was written).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    struct kb_record_state *st = kb_record_state_new();
    const char *p = (const char *)data;
    size_t lines = 0;
    for (size_t i = 0; i < size && lines < 2000; lines++) {
        const char *nl = memchr(p + i, '\n', size - i);
        size_t n = nl ? (size_t)(nl - (p + i)) : size - i;
        if (kb_export_is_record(p + i, n)) {
            struct kb_diag d;
            kb_diag_clear(&d);
            enum kb_record_outcome out = KB_RECORD_CREATED;
            const char *warning = NULL;
            int rc = kb_engine_import_record(NULL, st, p + i, n, false, &out, &warning, &d);
            if (rc && ((rc != KB_EINVAL && rc != KB_ETOOBIG) || !d.msg[0]))
                abort();
            if (out != KB_RECORD_NONE)
                abort();
        }
        i += n + 1;
    }
    kb_record_state_free(st);
    return 0;
}
