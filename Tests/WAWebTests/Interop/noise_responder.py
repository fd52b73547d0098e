"""WhatsApp-variant Noise_XX responder built from independent third-party code, for the Swift interop
tests (Tests/WAWebTests/NoiseInteropTests.swift). Run with the venv from scripts/python-peers.sh.

Independent pieces: dissononce (Noise XX handshake + transport cipher states) with consonance's WhatsApp
symmetric state and the mirror patch for the responder (see shared/interop-examples), Google's protobuf
runtime (messages declared from descriptors here, not our hand-written encoder), and libsignal's
curve25519 code (python-axolotl-curve25519) for the XEdDSA certificate signatures.

It speaks the real wire format on stdin/stdout: the client sends the 4-byte header `WA 06 03`, then
frames are `3-byte big-endian length ‖ payload`.

  1. <- ClientHello            -> ServerHello{ephemeral, static, payload = CertChain signed by --root-private}
  2. <- ClientFinish           -> one transport frame: JSON report of what the responder saw
  3. then every transport frame it receives is answered with "echo:" + plaintext; the replies are held
     until a frame "flush" and then written in one piece; the plaintext "bye" ends it with exit status 0.

Frames it sends are deliberately written in awkward pieces (a split length prefix, several frames in one
write) so the client's frame reassembly is exercised. Errors go to stderr; exit status 3 means the client
closed the connection early (as it does after rejecting the certificate).
"""
import argparse
import json
import os
import sys
import time

import axolotl_curve25519
from consonance.dissononce_extras.processing.symmetricstate_wa import WASymmetricState
from dissononce.cipher.aesgcm import AESGCMCipher
from dissononce.dh.x25519.x25519 import X25519DH
from dissononce.hash.sha256 import SHA256Hash
from dissononce.processing.handshakepatterns.interactive.XX import XXHandshakePattern
from dissononce.processing.impl.cipherstate import CipherState
from dissononce.processing.impl.handshakestate import HandshakeState
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

WA_HEADER = b"WA\x06\x03"


class WAResponderSymmetricState(WASymmetricState):
    """consonance patches only EncryptAndHash (initiator). WhatsApp also skips MixHash of an empty payload
    processed before any key exists, so the responder needs the same rule on DecryptAndHash."""

    def decrypt_and_hash(self, ciphertext):
        plaintext = self._cipherstate.decrypt_with_ad(self._h, ciphertext)
        if self._cipherstate.has_key():
            self.mix_hash(ciphertext)
        return plaintext


def _messages():
    """HandshakeMessage and CertChain from wa-proto-fields.md §1–2, declared as descriptors."""
    f = descriptor_pb2.FileDescriptorProto(name="wagate_interop.proto", package="wi", syntax="proto2")
    BYTES, MSG = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES, descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE
    U32, U64 = descriptor_pb2.FieldDescriptorProto.TYPE_UINT32, descriptor_pb2.FieldDescriptorProto.TYPE_UINT64
    OPT = descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL

    def message(name, *fields):
        m = f.message_type.add(name=name)
        for field_name, number, kind, type_name in fields:
            m.field.add(name=field_name, number=number, type=kind, label=OPT, type_name=type_name)

    message("ClientHello", ("ephemeral", 1, BYTES, None))
    message("ServerHello", ("ephemeral", 1, BYTES, None), ("static", 2, BYTES, None), ("payload", 3, BYTES, None))
    message("ClientFinish", ("static", 1, BYTES, None), ("payload", 2, BYTES, None))
    message("HandshakeMessage", ("clientHello", 2, MSG, ".wi.ClientHello"),
            ("serverHello", 3, MSG, ".wi.ServerHello"), ("clientFinish", 4, MSG, ".wi.ClientFinish"))
    message("Details", ("serial", 1, U32, None), ("issuerSerial", 2, U32, None), ("key", 3, BYTES, None),
            ("notBefore", 4, U64, None), ("notAfter", 5, U64, None))
    message("NoiseCertificate", ("details", 1, BYTES, None), ("signature", 2, BYTES, None))
    message("CertChain", ("leaf", 1, MSG, ".wi.NoiseCertificate"), ("intermediate", 2, MSG, ".wi.NoiseCertificate"))
    for m in f.message_type:
        for fd in m.field:
            if not fd.type_name:
                fd.ClearField("type_name")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return {m.name: message_factory.GetMessageClass(pool.FindMessageTypeByName("wi." + m.name)) for m in f.message_type}


PB = _messages()


class ClientGone(Exception):
    pass


def read_exactly(n):
    data = sys.stdin.buffer.read(n)
    if len(data) != n:
        raise ClientGone("client closed the connection (%d of %d bytes read)" % (len(data), n))
    return data


def read_frame():
    length = int.from_bytes(read_exactly(3), "big")
    return read_exactly(length)


def frame(payload):
    return len(payload).to_bytes(3, "big") + payload


def write(data, split_at=None):
    out = sys.stdout.buffer
    if split_at is not None:
        out.write(data[:split_at])
        out.flush()
        time.sleep(0.02)  # let the client read the first piece on its own
        data = data[split_at:]
    out.write(data)
    out.flush()


def xeddsa_sign(private_key, message):
    return axolotl_curve25519.calculateSignature(os.urandom(64), private_key, message)


def certificate_chain(root_private, server_static_public, now):
    intermediate_private = axolotl_curve25519.generatePrivateKey(os.urandom(32))
    intermediate_public = axolotl_curve25519.generatePublicKey(intermediate_private)
    intermediate_details = PB["Details"](serial=7, issuerSerial=0, key=intermediate_public,
                                         notBefore=now - 3600, notAfter=now + 3600).SerializeToString()
    leaf_details = PB["Details"](serial=8, issuerSerial=7, key=server_static_public,
                                 notBefore=now - 3600, notAfter=now + 3600).SerializeToString()
    chain = PB["CertChain"](
        intermediate=PB["NoiseCertificate"](details=intermediate_details,
                                            signature=xeddsa_sign(root_private, intermediate_details)),
        leaf=PB["NoiseCertificate"](details=leaf_details, signature=xeddsa_sign(intermediate_private, leaf_details)))
    return chain.SerializeToString()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root-private", required=True, help="hex X25519 private key that signs the intermediate")
    args = parser.parse_args()
    root_private = bytes.fromhex(args.root_private)

    dh = X25519DH()
    server_static = dh.generate_keypair()
    server = HandshakeState(WAResponderSymmetricState(CipherState(AESGCMCipher()), SHA256Hash()), X25519DH())
    server.initialize(handshake_pattern=XXHandshakePattern(), initiator=False, prologue=WA_HEADER, s=server_static)

    header = read_exactly(4)
    if header != WA_HEADER:
        raise SystemExit("bad connection header %s" % header.hex())

    hello = PB["HandshakeMessage"].FromString(read_frame())
    if not hello.HasField("clientHello") or len(hello.clientHello.ephemeral) != 32:
        raise SystemExit("first frame is not a ClientHello with a 32-byte ephemeral")
    server.read_message(hello.clientHello.ephemeral, bytearray())

    out = bytearray()
    server.write_message(certificate_chain(root_private, server_static.public.data, int(time.time())), out)
    out = bytes(out)
    reply = PB["HandshakeMessage"](serverHello=PB["ServerHello"](ephemeral=out[:32], static=out[32:80], payload=out[80:]))
    write(frame(reply.SerializeToString()), split_at=2)

    finish = PB["HandshakeMessage"].FromString(read_frame())
    if not finish.HasField("clientFinish"):
        raise SystemExit("third frame is not a ClientFinish")
    payload = bytearray()
    receive, send = server.read_message(finish.clientFinish.static + finish.clientFinish.payload, payload)

    report = {
        "client_static": server.rs.data.hex(),
        "client_payload": bytes(payload).hex(),
        "server_static": server_static.public.data.hex(),
        "handshake_hash": server.symmetricstate.get_handshake_hash().hex(),
    }
    write(frame(send.encrypt_with_ad(b"", json.dumps(report).encode())), split_at=1)

    # Echo loop: replies are held back until the client says "flush", then written in one piece.
    pending = []
    while True:
        text = receive.decrypt_with_ad(b"", read_frame())
        if text == b"bye":
            return
        if text == b"flush":
            write(b"".join(pending))
            pending = []
        else:
            pending.append(frame(send.encrypt_with_ad(b"", b"echo:" + text)))


if __name__ == "__main__":
    try:
        main()
    except ClientGone as e:
        print("noise_responder: %s" % e, file=sys.stderr)
        sys.exit(3)
