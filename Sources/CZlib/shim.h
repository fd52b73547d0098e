#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

#include <zlib.h>

// inflateInit is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot import.
static inline int czlib_inflate_init(z_streamp stream) {
    return inflateInit(stream);
}

#endif
