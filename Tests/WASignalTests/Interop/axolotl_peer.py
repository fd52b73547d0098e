"""The independent party of Tests/WASignalTests: python-axolotl (a Python port of libsignal), with its
in-memory stores, speaking one JSON object per line on stdin/stdout.

    PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python python axolotl_peer.py

(python-axolotl ships pre-3.19 generated _pb2 files, so the pure-Python protobuf backend is required;
this script sets it itself before importing anything.)

Each request is {"op": OP, ...}; each answer is {"ok": {...}} or {"error": "ExceptionName: text"}.
Bytes travel as lowercase hex. Addresses are {"name": N, "device": D}. The peer has ONE identity (its
store), made at start; several peers can be started for several parties.

  bundle            {"prekey_id", "signed_prekey_id"}      -> its prekey bundle (keys in 33-byte form)
  process_bundle    {"address", "bundle"}                  -> {}  (X3DH as initiator)
  encrypt           {"address", "plaintext"}               -> {"type": "pkmsg"|"msg", "ciphertext"}
  decrypt           {"address", "type", "ciphertext"}      -> {"plaintext"}
  contains_prekey   {"id"}                                 -> {"present": bool}
  group_create      {"group", "sender"}                    -> {"skdm"}
  group_process     {"group", "sender", "skdm"}            -> {}
  group_encrypt     {"group", "sender", "plaintext"}       -> {"ciphertext"}
  group_decrypt     {"group", "sender", "ciphertext"}      -> {"plaintext"}
  parse_prekey_record         {"record"}                   -> {"id", "public"}
  parse_signed_prekey_record  {"record"}                   -> {"id", "public", "signature", "timestamp"}
  verify_signature  {"public", "message", "signature"}     -> {"valid": bool}   (XEdDSA, 33-byte key)
"""
import os

os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

try:
    from axolotl.axolotladdress import AxolotlAddress  # noqa: E402
    from axolotl.ecc.curve import Curve  # noqa: E402
    from axolotl.groups.groupcipher import GroupCipher  # noqa: E402
    from axolotl.groups.groupsessionbuilder import GroupSessionBuilder  # noqa: E402
    from axolotl.groups.senderkeyname import SenderKeyName  # noqa: E402
    from axolotl.protocol.prekeywhispermessage import PreKeyWhisperMessage  # noqa: E402
    from axolotl.protocol.senderkeydistributionmessage import SenderKeyDistributionMessage  # noqa: E402
    from axolotl.protocol.whispermessage import WhisperMessage  # noqa: E402
    from axolotl.identitykey import IdentityKey  # noqa: E402
    from axolotl.sessionbuilder import SessionBuilder  # noqa: E402
    from axolotl.sessioncipher import SessionCipher  # noqa: E402
    from axolotl.state.prekeybundle import PreKeyBundle  # noqa: E402
    from axolotl.state.prekeyrecord import PreKeyRecord  # noqa: E402
    from axolotl.state.signedprekeyrecord import SignedPreKeyRecord  # noqa: E402
    from axolotl.tests.groups.inmemorysenderkeystore import InMemorySenderKeyStore  # noqa: E402
    from axolotl.tests.inmemoryaxolotlstore import InMemoryAxolotlStore  # noqa: E402
except ImportError as error:
    sys.exit(f"python-axolotl is not installed in {sys.executable} ({error}): run scripts/python-peers.sh")

store = InMemoryAxolotlStore()
sender_keys = InMemorySenderKeyStore()


def unhex(text):
    return bytes.fromhex(text)


def cipher(address):
    return SessionCipher(store, store, store, store, address["name"], address["device"])


def sender_key_name(request):
    sender = request["sender"]
    return SenderKeyName(request["group"], AxolotlAddress(sender["name"], sender["device"]))


def op_bundle(request):
    one_time, signed = Curve.generateKeyPair(), Curve.generateKeyPair()
    identity = store.getIdentityKeyPair()
    signature = Curve.calculateSignature(identity.getPrivateKey(), signed.getPublicKey().serialize())
    prekey_id, signed_id = request["prekey_id"], request["signed_prekey_id"]
    store.storePreKey(prekey_id, PreKeyRecord(prekey_id, one_time))
    store.storeSignedPreKey(signed_id, SignedPreKeyRecord(signed_id, int(time.time() * 1000), signed, signature))
    return {
        "registration_id": store.getLocalRegistrationId(),
        "device_id": 1,
        "prekey_id": prekey_id,
        "prekey": one_time.getPublicKey().serialize().hex(),
        "signed_prekey_id": signed_id,
        "signed_prekey": signed.getPublicKey().serialize().hex(),
        "signature": bytes(signature).hex(),
        "identity": identity.getPublicKey().serialize().hex(),
    }


def op_process_bundle(request):
    b = request["bundle"]
    prekey = Curve.decodePoint(unhex(b["prekey"]), 0) if b.get("prekey") else None
    bundle = PreKeyBundle(
        b["registration_id"], b["device_id"], b.get("prekey_id"), prekey, b["signed_prekey_id"],
        Curve.decodePoint(unhex(b["signed_prekey"]), 0), unhex(b["signature"]),
        IdentityKey(unhex(b["identity"]), 0))
    address = request["address"]
    SessionBuilder(store, store, store, store, address["name"], address["device"]).processPreKeyBundle(bundle)
    return {}


def op_encrypt(request):
    message = cipher(request["address"]).encrypt(unhex(request["plaintext"]))
    kind = {3: "pkmsg", 2: "msg"}[message.getType()]
    return {"type": kind, "ciphertext": message.serialize().hex()}


def op_decrypt(request):
    raw = unhex(request["ciphertext"])
    c = cipher(request["address"])
    if request["type"] == "pkmsg":
        plaintext = c.decryptPkmsg(PreKeyWhisperMessage(serialized=raw))
    else:
        plaintext = c.decryptMsg(WhisperMessage(serialized=raw))
    return {"plaintext": bytes(plaintext).hex()}


def op_contains_prekey(request):
    return {"present": bool(store.containsPreKey(request["id"]))}


def op_group_create(request):
    return {"skdm": GroupSessionBuilder(sender_keys).create(sender_key_name(request)).serialize().hex()}


def op_group_process(request):
    message = SenderKeyDistributionMessage(serialized=unhex(request["skdm"]))
    GroupSessionBuilder(sender_keys).process(sender_key_name(request), message)
    return {}


def op_group_encrypt(request):
    return {"ciphertext": bytes(GroupCipher(sender_keys, sender_key_name(request)).encrypt(unhex(request["plaintext"]))).hex()}


def op_group_decrypt(request):
    plaintext = GroupCipher(sender_keys, sender_key_name(request)).decrypt(unhex(request["ciphertext"]))
    return {"plaintext": bytes(plaintext).hex()}


def op_parse_prekey_record(request):
    record = PreKeyRecord(serialized=unhex(request["record"]))
    return {"id": record.getId(), "public": record.getKeyPair().getPublicKey().serialize().hex()}


def op_parse_signed_prekey_record(request):
    record = SignedPreKeyRecord(serialized=unhex(request["record"]))
    return {
        "id": record.getId(),
        "public": record.getKeyPair().getPublicKey().serialize().hex(),
        "signature": bytes(record.getSignature()).hex(),
        "timestamp": record.getTimestamp(),
    }


def op_verify_signature(request):
    key = Curve.decodePoint(unhex(request["public"]), 0)
    return {"valid": bool(Curve.verifySignature(key, unhex(request["message"]), unhex(request["signature"])))}


OPS = {name[3:]: function for name, function in globals().items() if name.startswith("op_")}

for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    request = json.loads(line)
    try:
        answer = {"ok": OPS[request["op"]](request)}
    except Exception as error:  # every failure goes back to the Swift test, which decides
        answer = {"error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
