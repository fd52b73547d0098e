"""The independent party of Tests/WAProtoTests: WhatsApp's own protobuf definitions, compiled for
Python by whatsmeow and shipped in the neonize package (imported from its neonize/proto folder, without
loading neonize itself and its Go library), on Google's protobuf runtime.

One run handles a whole batch, so the tests start Python once:
    python neonize_peer.py REQUEST.json RESPONSE.json
REQUEST  = {"parse": [{"name": N, "type": T, "hex": H}, ...]}   bytes built by wagate's Swift code
RESPONSE = {"parsed": {N: {"canon": C, "named": D, "reserialized": H}},
            "built":  {N: {"type": T, "hex": H, "canon": C}},   messages neonize builds here
            "facts":  {...}}                                      values computed here for the tests

C is a canonical dump keyed by field NUMBER (never by name, so the two sides' spellings don't matter):
every set field maps to "<declared type>:<value>" (the type prefixed with "packed-" for packed repeated
fields), a list for repeated fields, a nested dump for sub-messages; fields this side does not know show
up under "unknown". D is json_format.MessageToDict with neonize's field names, for checks by name.
"""
import base64
import hashlib
import importlib.util
import json
import os
import struct
import sys

spec = importlib.util.find_spec("neonize")
if spec is None or not spec.submodule_search_locations:
    sys.exit("neonize is not installed in this interpreter: run scripts/python-peers.sh (or scripts/test.sh)")
sys.path.insert(0, os.path.join(list(spec.submodule_search_locations)[0], "proto"))

from google.protobuf import json_format  # noqa: E402
from google.protobuf.descriptor import FieldDescriptor as FD  # noqa: E402
from google.protobuf.unknown_fields import UnknownFieldSet  # noqa: E402
from waAdv import WAAdv_pb2 as adv  # noqa: E402
from waCert import WACert_pb2 as cert  # noqa: E402
from waCommon import WACommon_pb2 as common  # noqa: E402
from waCompanionReg import WACompanionReg_pb2 as reg  # noqa: E402
from waE2E import WAWebProtobufsE2E_pb2 as e2e  # noqa: E402
from waWa6 import WAWebProtobufsWa6_pb2 as wa6  # noqa: E402

TYPES = {
    "HandshakeMessage": wa6.HandshakeMessage,
    "ClientPayload": wa6.ClientPayload,
    "CertChain": cert.CertChain,
    "CertChain.NoiseCertificate.Details": cert.CertChain.NoiseCertificate.Details,
    "DeviceProps": reg.DeviceProps,
    "ClientPairingProps": reg.ClientPairingProps,
    "ADVSignedDeviceIdentityHMAC": adv.ADVSignedDeviceIdentityHMAC,
    "ADVSignedDeviceIdentity": adv.ADVSignedDeviceIdentity,
    "ADVDeviceIdentity": adv.ADVDeviceIdentity,
    "ADVSignedKeyIndexList": adv.ADVSignedKeyIndexList,
    "ADVKeyIndexList": adv.ADVKeyIndexList,
    "Message": e2e.Message,
}

TYPE_NAMES = {
    FD.TYPE_DOUBLE: "double", FD.TYPE_FLOAT: "float", FD.TYPE_INT64: "int64", FD.TYPE_UINT64: "uint64",
    FD.TYPE_INT32: "int32", FD.TYPE_FIXED64: "fixed64", FD.TYPE_FIXED32: "fixed32", FD.TYPE_BOOL: "bool",
    FD.TYPE_STRING: "string", FD.TYPE_BYTES: "bytes", FD.TYPE_UINT32: "uint32", FD.TYPE_ENUM: "enum",
    FD.TYPE_SFIXED32: "sfixed32", FD.TYPE_SFIXED64: "sfixed64", FD.TYPE_SINT32: "sint32", FD.TYPE_SINT64: "sint64",
}


def scalar(fd, value):
    if fd.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
        return canon(value)
    name = ("packed-" if fd.is_packed else "") + TYPE_NAMES[fd.type]
    if fd.type == FD.TYPE_BOOL:
        text = "true" if value else "false"
    elif fd.type == FD.TYPE_BYTES:
        text = value.hex()
    elif fd.type == FD.TYPE_DOUBLE:
        text = struct.pack(">d", value).hex()
    elif fd.type == FD.TYPE_FLOAT:
        text = struct.pack(">f", value).hex()
    else:
        text = str(value)  # strings as they are, integers and enum numbers in decimal
    return f"{name}:{text}"


def canon(message):
    out = {}
    for fd, value in message.ListFields():
        out[str(fd.number)] = [scalar(fd, v) for v in value] if fd.is_repeated else scalar(fd, value)
    unknown = UnknownFieldSet(message)
    if len(unknown):
        out["unknown"] = [f"{field.field_number}/{field.wire_type}" for field in unknown]
    return out


def named(message):
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def b(hex_text):
    return bytes.fromhex(hex_text)


def key(remote, from_me, msg_id, participant=None):
    k = common.MessageKey(remoteJID=remote, fromMe=from_me, ID=msg_id)
    if participant is not None:
        k.participant = participant
    return k


def media_fields(tag):
    """Common media values, distinct per message type so a swapped field number shows."""
    return dict(
        URL=f"https://mmg.whatsapp.net/v/t62.7118-24/{tag}.enc?ccb=11-4",
        mimetype={"img": "image/jpeg", "vid": "video/mp4", "aud": "audio/ogg; codecs=opus",
                  "doc": "application/pdf", "stk": "image/webp"}[tag],
        fileSHA256=hashlib.sha256(b"plain " + tag.encode()).digest(),
        fileEncSHA256=hashlib.sha256(b"enc " + tag.encode()).digest(),
        mediaKey=hashlib.sha256(b"key " + tag.encode()).digest(),
        directPath=f"/v/t62.7118-24/{tag}.enc?ccb=11-4&oh=01_Q5&oe=68A1B2C3",
        mediaKeyTimestamp=1767225600,
    )


def build():
    """Messages built with neonize's definitions; the Swift tests parse them."""
    mentions = ["12025550199@s.whatsapp.net", "98765432109876@lid"]
    quoted = e2e.Message(conversation="Are we still on for 7pm?")
    reply = e2e.Message(
        extendedTextMessage=e2e.ExtendedTextMessage(
            text="@12025550199 @98765432109876 yes, see you there",
            contextInfo=e2e.ContextInfo(
                stanzaID="3EB0C431D5A2B4E6F7A8",
                participant="12025550111@s.whatsapp.net",
                quotedMessage=quoted,
                remoteJID="120363025246125486@g.us",
                mentionedJID=mentions,
                expiration=604800,
                ephemeralSettingTimestamp=1767225000,
            ),
        ),
        messageContextInfo=e2e.MessageContextInfo(messageSecret=bytes(range(32)), deviceListMetadataVersion=2),
    )
    reaction = e2e.Message(reactionMessage=e2e.ReactionMessage(
        key=key("120363025246125486@g.us", False, "3EB0C431D5A2B4E6F7A8", "12025550111@s.whatsapp.net"),
        text="\U0001F44D", senderTimestampMS=1767225600123))
    device_sent = e2e.Message(
        deviceSentMessage=e2e.DeviceSentMessage(
            destinationJID="12025550199@s.whatsapp.net",
            message=e2e.Message(extendedTextMessage=e2e.ExtendedTextMessage(
                text="sent from my phone", contextInfo=e2e.ContextInfo(expiration=86400))),
            phash="2:AbCdEf12",
        ),
        messageContextInfo=e2e.MessageContextInfo(messageSecret=bytes(range(100, 132))),
    )

    seed = bytes(range(200, 232))
    device_identity = adv.ADVDeviceIdentity(rawID=2847561, timestamp=1767225600, keyIndex=7,
                                            accountType=adv.E2EE, deviceType=adv.E2EE)
    signed = adv.ADVSignedDeviceIdentity(
        details=device_identity.SerializeToString(),
        accountSignatureKey=hashlib.sha256(b"account key").digest(),
        accountSignature=hashlib.sha512(b"account signature").digest(),
        deviceSignature=hashlib.sha512(b"device signature").digest(),
    )
    hosted_identity = adv.ADVDeviceIdentity(rawID=2847561, timestamp=1767225600, keyIndex=8,
                                            accountType=adv.HOSTED, deviceType=adv.HOSTED)
    signed_hmac = adv.ADVSignedDeviceIdentityHMAC(
        details=adv.ADVSignedDeviceIdentity(details=hosted_identity.SerializeToString(),
                                            accountSignatureKey=seed,
                                            accountSignature=hashlib.sha512(b"a").digest()).SerializeToString(),
        HMAC=hashlib.sha256(b"hmac").digest(), accountType=adv.HOSTED)
    key_index_list = adv.ADVKeyIndexList(rawID=2847561, timestamp=1767225600, currentIndex=9,
                                         validIndexes=[0, 3, 9], accountType=adv.E2EE)
    signed_key_index_list = adv.ADVSignedKeyIndexList(details=key_index_list.SerializeToString(),
                                                      accountSignature=hashlib.sha512(b"k").digest(),
                                                      accountSignatureKey=seed)

    image = e2e.Message(ephemeralMessage=e2e.FutureProofMessage(message=e2e.Message(imageMessage=e2e.ImageMessage(
        caption="the view from here", fileLength=184263, height=1280, width=960,
        JPEGThumbnail=b"\xff\xd8\xff\xe0thumb", contextInfo=e2e.ContextInfo(expiration=604800), viewOnce=False,
        **media_fields("img")))))
    video = e2e.Message(viewOnceMessageV2=e2e.FutureProofMessage(message=e2e.Message(videoMessage=e2e.VideoMessage(
        fileLength=3145728, seconds=42, caption="watch once", gifPlayback=False, height=720, width=1280,
        JPEGThumbnail=b"\xff\xd8vthumb", streamingSidecar=b"\x01\x02\x03sidecar", viewOnce=True,
        **media_fields("vid")))))
    audio = e2e.Message(audioMessage=e2e.AudioMessage(
        fileLength=23456, seconds=9, PTT=True, streamingSidecar=b"\x09sc", waveform=bytes(range(0, 64)),
        **media_fields("aud")))
    document = e2e.Message(documentWithCaptionMessage=e2e.FutureProofMessage(message=e2e.Message(
        documentMessage=e2e.DocumentMessage(
            title="Invoice 2026-001", fileLength=99812, pageCount=3, fileName="invoice-2026-001.pdf",
            JPEGThumbnail=b"\xff\xd8dthumb", caption="the invoice", **media_fields("doc")))))
    sticker = e2e.Message(stickerMessage=e2e.StickerMessage(
        height=512, width=512, fileLength=17844, isAnimated=True, pngThumbnail=b"\x89PNGthumb",
        **media_fields("stk")))
    location = e2e.Message(locationMessage=e2e.LocationMessage(
        degreesLatitude=48.858370, degreesLongitude=2.294481, name="Tour Eiffel",
        address="Champ de Mars, Paris", URL="https://maps.example/eiffel"))
    contact = e2e.Message(contactMessage=e2e.ContactMessage(
        displayName="Ada", vcard="BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD", isSelfContact=False))

    revoke = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        key=key("12025550199@s.whatsapp.net", True, "3EB0AAAAAAAAAAAAAAAA"), type=e2e.ProtocolMessage.REVOKE))
    edit = e2e.Message(editedMessage=e2e.FutureProofMessage(message=e2e.Message(protocolMessage=e2e.ProtocolMessage(
        key=key("12025550199@s.whatsapp.net", True, "3EB0BBBBBBBBBBBBBBBB"), type=e2e.ProtocolMessage.MESSAGE_EDIT,
        editedMessage=e2e.Message(conversation="corrected text"), timestampMS=1767225699000))))
    history = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        type=e2e.ProtocolMessage.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification=e2e.HistorySyncNotification(
            fileSHA256=hashlib.sha256(b"hs").digest(), fileLength=55123, mediaKey=seed,
            fileEncSHA256=hashlib.sha256(b"hse").digest(), directPath="/v/t62.1234-24/hs.enc",
            syncType=e2e.HistorySyncType.Value("INITIAL_BOOTSTRAP"), chunkOrder=1,
            originalMessageID="3EB0CCCCCCCCCCCCCCCC", progress=12, oldestMsgInChunkTimestampSec=1760000000,
            initialHistBootstrapInlinePayload=b"\x78\x9c inline", peerDataRequestSessionID="pdr-1")))
    app_state_keys = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        type=e2e.ProtocolMessage.APP_STATE_SYNC_KEY_SHARE,
        appStateSyncKeyShare=e2e.AppStateSyncKeyShare(keys=[
            e2e.AppStateSyncKey(
                keyID=e2e.AppStateSyncKeyId(keyID=bytes([0, 0, 0, 1, i])),
                keyData=e2e.AppStateSyncKeyData(
                    keyData=hashlib.sha256(bytes([i])).digest(), timestamp=1767225600000 + i,
                    fingerprint=e2e.AppStateSyncKeyFingerprint(rawID=2847561, currentIndex=9,
                                                              deviceIndexes=[0, 3, 9])))
            for i in range(2)])))
    ephemeral_setting = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        type=e2e.ProtocolMessage.EPHEMERAL_SETTING, ephemeralExpiration=604800,
        ephemeralSettingTimestamp=1767225600))
    skdm = e2e.Message(
        senderKeyDistributionMessage=e2e.SenderKeyDistributionMessage(
            groupID="120363025246125486@g.us", axolotlSenderKeyDistributionMessage=b"\x33" + bytes(range(70))),
        conversation="hello group")

    cert_details = [
        cert.CertChain.NoiseCertificate.Details(serial=4, issuerSerial=0, key=seed, notBefore=1700000000,
                                                notAfter=1900000000),
        cert.CertChain.NoiseCertificate.Details(serial=77, issuerSerial=4, key=bytes(range(32)),
                                                notBefore=1760000000, notAfter=1800000000),
    ]
    chain = cert.CertChain(
        intermediate=cert.CertChain.NoiseCertificate(details=cert_details[0].SerializeToString(),
                                                     signature=hashlib.sha512(b"root sig").digest()),
        leaf=cert.CertChain.NoiseCertificate(details=cert_details[1].SerializeToString(),
                                             signature=hashlib.sha512(b"leaf sig").digest()))
    server_hello = wa6.HandshakeMessage(serverHello=wa6.HandshakeMessage.ServerHello(
        ephemeral=seed, static=bytes(range(48)), payload=chain.SerializeToString()))
    pairing_props = reg.ClientPairingProps(isChatDbLidMigrated=True, isSyncdPureLidSession=True,
                                           isSyncdSnapshotRecoveryEnabled=False, isHsThumbnailSyncEnabled=True,
                                           subscriptionSyncPayload=b"\x0a\x02ok")

    # Values wagate's definitions leave out: they must survive a parse and re-serialisation untouched.
    unknown_type = e2e.Message(protocolMessage=e2e.ProtocolMessage(
        key=key("status@broadcast", False, "3EB0DDDDDDDDDDDDDDDD", "12025550111@s.whatsapp.net"),
        type=e2e.ProtocolMessage.STATUS_MENTION_MESSAGE))
    unknown_content = e2e.Message(
        pollCreationMessage=e2e.PollCreationMessage(name="Lunch?", options=[
            e2e.PollCreationMessage.Option(optionName="pizza"), e2e.PollCreationMessage.Option(optionName="sushi")],
            selectableOptionsCount=1),
        messageContextInfo=e2e.MessageContextInfo(messageSecret=seed, botMessageSecret=b"bot secret"))

    return {
        "reply": reply, "reaction": reaction, "deviceSent": device_sent,
        "image": image, "video": video, "audio": audio, "document": document, "sticker": sticker,
        "location": location, "contact": contact,
        "revoke": revoke, "edit": edit, "historySync": history, "appStateKeys": app_state_keys,
        "ephemeralSetting": ephemeral_setting, "senderKeyDistribution": skdm,
        "advSignedDeviceIdentity": signed, "advDeviceIdentity": device_identity, "advHMAC": signed_hmac,
        "advKeyIndexList": key_index_list, "advSignedKeyIndexList": signed_key_index_list,
        "certChain": chain, "certDetails": cert_details[1], "serverHello": server_hello,
        "clientPairingProps": pairing_props,
        "unknownProtocolType": unknown_type, "unknownContent": unknown_content,
    }


TYPE_OF = {cls: name for name, cls in TYPES.items()}


def main():
    request_path, response_path = sys.argv[1], sys.argv[2]
    with open(request_path) as f:
        request = json.load(f)
    parsed = {}
    for case in request.get("parse", []):
        message = TYPES[case["type"]]()
        data = b(case["hex"])
        message.ParseFromString(data)
        parsed[case["name"]] = {
            "canon": canon(message),
            "named": named(message),
            "reserialized": message.SerializeToString(deterministic=True).hex(),
        }
    built = {}
    for name, message in build().items():
        built[name] = {"type": TYPE_OF[type(message)], "hex": message.SerializeToString(deterministic=True).hex(),
                       "canon": canon(message)}
    facts = {
        "md5:2.3000.1045649367": hashlib.md5(b"2.3000.1045649367").hexdigest(),
        "protocolMessageType:STATUS_MENTION_MESSAGE": str(e2e.ProtocolMessage.STATUS_MENTION_MESSAGE),
    }
    with open(response_path, "w") as f:
        json.dump({"parsed": parsed, "built": built, "facts": facts}, f, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    main()
