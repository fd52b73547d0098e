#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/opensslv.h>

/// Formats the oldest queued OpenSSL error into `buffer` and returns its code (0 when the queue is empty).
static inline unsigned long copenssl_last_error(char *buffer, size_t length) {
    unsigned long code = ERR_get_error();
    if (code != 0 && buffer != NULL && length > 0) { ERR_error_string_n(code, buffer, length); }
    return code;
}
#endif
