#ifndef CSIGNALPROTOCOL_SHIM_H
#define CSIGNALPROTOCOL_SHIM_H
#include <signal/signal_protocol.h>
#include <signal/key_helper.h>
#include <signal/session_builder.h>
#include <signal/session_cipher.h>
#include <signal/group_session_builder.h>
#include <signal/group_cipher.h>
#include <signal/protocol.h>
#include <signal/curve.h>
#endif
