#ifndef CSIGNALPROTOCOL_SHIM_H
#define CSIGNALPROTOCOL_SHIM_H
#include <signal/signal_protocol.h>
#include <signal/key_helper.h>
#include <signal/session_builder.h>
#include <signal/session_cipher.h>
#include <signal/session_pre_key.h>
#include <signal/session_record.h>
#include <signal/group_session_builder.h>
#include <signal/group_cipher.h>
#include <signal/sender_key_record.h>
#include <signal/protocol.h>
#include <signal/ratchet.h>
#include <signal/curve.h>
#endif
