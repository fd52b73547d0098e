#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/opensslv.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

/// Formats the oldest queued OpenSSL error into `buffer` and returns its code (0 when the queue is empty).
static inline unsigned long copenssl_last_error(char *buffer, size_t length) {
    unsigned long code = ERR_get_error();
    if (code != 0 && buffer != NULL && length > 0) { ERR_error_string_n(code, buffer, length); }
    return code;
}

/// HKDF-SHA256 (RFC 5869, extract then expand) of `ikm` into `out`; returns 1 on success, 0 on failure.
/// Any input may be empty (pointer NULL, length 0); an empty salt means HashLen zero bytes, as in the RFC.
/// Written in C because OpenSSL stores (does not copy) the OSSL_PARAM key and value pointers until
/// EVP_KDF_derive returns, while Swift's implicit string/array-to-pointer conversions only live for one call.
static inline int copenssl_hkdf_sha256(const unsigned char *salt, size_t salt_len,
                                       const unsigned char *ikm, size_t ikm_len,
                                       const unsigned char *info, size_t info_len,
                                       unsigned char *out, size_t out_len) {
    /* HKDF refuses a missing key; a zero-length one must still point somewhere. */
    static unsigned char empty[1] = {0};
    char digest[] = "SHA256";
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf == NULL) { return 0; }
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL) { return 0; }
    OSSL_PARAM params[5];
    OSSL_PARAM *p = params;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm_len > 0 ? (void *)ikm : (void *)empty, ikm_len);
    /* RFC 5869: a missing salt is HashLen zero bytes (HMAC pads shorter keys with zeros anyway). */
    static unsigned char zero_salt[32] = {0};
    if (salt_len > 0) { *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len); }
    else { *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, zero_salt, sizeof zero_salt); }
    if (info_len > 0) { *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len); }
    *p = OSSL_PARAM_construct_end();
    int rc = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);
    return rc == 1 ? 1 : 0;
}
#endif
