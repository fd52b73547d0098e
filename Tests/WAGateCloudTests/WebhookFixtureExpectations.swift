// What each webhook fixture must map to, one line per item (format: `BatchRendering`), every line
// checked against its payload. A case missing here fails `WebhookFixtureTests`.

/// Expected items per fixture file and case ("" for a file holding one payload).
enum WebhookFixtureExpectations {
    static let all: [String: [String: [String]]] = [
        "meta-openapi/webhook-examples.json": metaWebhookExamples,
        "pywa/tests/data/updates/account_update.json": pywaAccountUpdate,
        "pywa/tests/data/updates/callback_button.json": pywaCallbackButton,
        "pywa/tests/data/updates/callback_selection.json": pywaCallbackSelection,
        "pywa/tests/data/updates/deleted_message.json": pywaDeletedMessage,
        "pywa/tests/data/updates/edited_message.json": pywaEditedMessage,
        "pywa/tests/data/updates/message.json": pywaMessage,
        "pywa/tests/data/updates/message_status.json": pywaMessageStatus,
        "pywa/tests/data/updates/outgoing_message.json": pywaOutgoingMessage,
        "pywa/tests/data/updates/system.json": pywaSystem,
        "pywa/tests/data/updates/template_status_update.json": pywaTemplateStatusUpdate,
        "pywa/tests/data/updates/user_marketing_preferences.json": pywaUserMarketingPreferences,
        "whatsapp-api-js/test/payloads/v25/delivered.json": jsDelivered,
        "whatsapp-api-js/test/payloads/v25/incoming.json": jsIncoming,
        "whatsapp-api-js/test/payloads/v25/read.json": jsRead,
        "whatsapp-api-js/test/payloads/v25/sent.json": jsSent,
        "whatsapp-business-java-api/src/test/resources/deserialization/audioMessage.json": javaAudioMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/buttonMessage.json": javaButtonMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/contactMessage.json": javaContactMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/documentMessage.json": javaDocumentMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/imageMessage.json": javaImageMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/locationMessage.json": javaLocationMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/mediaUploadError.json": javaMediaUploadError,
        "whatsapp-business-java-api/src/test/resources/deserialization/messageDeleted.json": javaMessageDeleted,
        "whatsapp-business-java-api/src/test/resources/deserialization/reEngagementMessageError.json": javaReEngagementMessageError,
        "whatsapp-business-java-api/src/test/resources/deserialization/reactMessage.json": javaReactMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/stickerMessage.json": javaStickerMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/textMessage.json": javaTextMessage,
        "whatsapp-business-java-api/src/test/resources/deserialization/textMessage2.json": javaTextMessage2,
        "whatsapp-business-java-api/src/test/resources/deserialization/textMessageStatusDelivered.json": javaTextMessageStatusDelivered,
        "whatsapp-business-java-api/src/test/resources/deserialization/textMessageStatusSent.json": javaTextMessageStatusSent,
        "whatsapp-business-java-api/src/test/resources/deserialization/videoMessage.json": javaVideoMessage,
    ]

    // MARK: meta-openapi/webhook-examples.json
    static let metaWebhookExamples: [String: [String]] = [
        "Button Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0M0MxQzQzMUJCMTMwNUZFOQA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1750091045 template_button "Unsubscribe" "Unsubscribe" ctx(reply-to=wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA quoted-from=15550783881)"#,
        ],
        "Contact Sharing Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1744344496 contacts ["Lucía Gómez" phones=+1 (983) 555-2319 ids=19835552319]"#,
        ],
        "Group Create Message": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 event group group_lifecycle_update group_create Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD"#,
        ],
        "Group Remove Participants": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 event group group_participants_update group_create Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD"#,
        ],
        "Group Settings Update": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 event group group_settings_update group_settings_update Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD"#,
        ],
        "Image Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1744344496 image id=1003383421387256 mime=image/jpeg sha256=SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI= caption="Taj Mahal""#,
        ],
        "Interactive Button Reply Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1750025136 button_reply cancel-button "Cancel" ctx(reply-to=wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA quoted-from=15550783881)"#,
        ],
        "Interactive List Reply Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJDQ0NDM0FEODY4ODkzOTc5RgA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1749854575 list_reply priority_express "Priority Mail Express" "Next Day to 2 Days" ctx(reply-to=wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA quoted-from=15550783881)"#,
        ],
        "Location Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1744344496 location 37.44221496582,-122.16165924072 name="Philz Coffee" address="101 Forest Ave, Palo Alto, CA 94301" url=https://philzcoffee.com/"#,
        ],
        "Order Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1750096325 order catalog=194836987003835 text=- items=di9ozbzfi4x2@30USD,nqryix03ezx1@25USD"#,
        ],
        "Reaction Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1749419544 reaction wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA "👍""#,
        ],
        "System Message": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 message wamid.HBgLMTk4MzU1NTE5NzQVAgASGAoxMTgyMDg2MjY3AA== chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name=- t=1750269342 system user_changed_number "User Sheena Nelson changed from 16505551234 to 12195555358" new=12195555358"#,
        ],
        "Text Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1749416383 text "Does it come in another color?""#,
        ],
        "Text Message from Click to WhatsApp Ad": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1750275992 text "Hello! Can I get more info on this?" ctx(referral=ad/120226305854810726/Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iTROpBhWAGaIAeUzHL50)"#,
        ],
        "Text Message with Context (Product Inquiry)": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTA2NTUwRkNEMDdFQjJCRUU0NQA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1750016800 text "Is this still available?" ctx(reply-to=wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA quoted-from=15550783881 product=194836987003835/di9ozbzfi4)"#,
        ],
        "Unsupported Message": [
            #"number 106540352242922 display=15550783881 waba=419561257915477"#,
            #"106540352242922 message wamid.HBgLMTQyMDU1NTA3NDkVAgASGBI5N0MwRjg0RTVBNUI1RDA2OTkA chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name="Sheena Nelson" t=1750090702 unsupported "unsupported" errors=[131051 "Message type unknown" "Message type is currently not supported."]"#,
        ],
    ]

    // MARK: pywa/tests/data/updates/account_update.json
    static let pywaAccountUpdate: [String: [String]] = [
        "account_deleted": [
            #"waba 102290129340398 event account_update ACCOUNT_DELETED keys=event"#,
        ],
        "account_disabled": [
            #"waba 102290129340398 event account_update DISABLED_UPDATE keys=ban_info,event"#,
        ],
        "account_offboarded": [
            #"waba 102290129340398 event account_update ACCOUNT_OFFBOARDED keys=event"#,
        ],
        "account_reconnected": [
            #"waba 102290129340398 event account_update ACCOUNT_RECONNECTED keys=event"#,
        ],
        "account_restriction": [
            #"waba 102290129340398 event account_update ACCOUNT_RESTRICTION keys=event,restriction_info"#,
        ],
        "account_violation": [
            #"waba 102290129340398 event account_update ACCOUNT_VIOLATION keys=event,violation_info"#,
        ],
        "ad_account_linked": [
            #"waba 2949482758682047 event account_update AD_ACCOUNT_LINKED keys=event,waba_info"#,
        ],
        "authentication_international_eligibility": [
            #"waba 102290129340398 event account_update AUTH_INTL_PRICE_ELIGIBILITY_UPDATE keys=auth_international_rate_eligibility,event"#,
        ],
        "mm_api_for_wa_terms_of_service": [
            #"waba 2949482758682047 event account_update MM_LITE_TERMS_SIGNED keys=event,waba_info"#,
        ],
        "partner_added": [
            #"waba 2949482758682047 event account_update PARTNER_ADDED keys=event,waba_info"#,
        ],
        "partner_app_installed": [
            #"waba 2949482758682047 event account_update PARTNER_APP_INSTALLED keys=event,waba_info"#,
        ],
        "partner_app_uninstalled": [
            #"waba 2949482758682047 event account_update PARTNER_APP_UNINSTALLED keys=event,waba_info"#,
        ],
        "partner_led_business_verification_status": [
            #"waba 102290129340398 event account_update PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE keys=event,partner_client_certification_info"#,
        ],
        "partner_removed": [
            #"waba 2949482758682047 event account_update PARTNER_REMOVED keys=event,waba_info"#,
        ],
        "partner_removed_wa_app_disconnection": [
            #"waba 2949482758682047 event account_update PARTNER_REMOVED keys=disconnection_info,event,waba_info"#,
        ],
        "pricing_tiering_update": [
            #"waba 102290129340398 event account_update VOLUME_BASED_PRICING_TIER_UPDATE keys=event,volume_tier_info"#,
        ],
        "primary_business_location_set": [
            #"waba 102290129340398 event account_update BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE keys=country,event"#,
        ],
    ]

    // MARK: pywa/tests/data/updates/callback_button.json
    static let pywaCallbackButton: [String: [String]] = [
        "button": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1698266730 button_reply callback_data "title" ctx(reply-to=wamid.xyzxyz quoted-from=1122334455667)"#,
        ],
        "quick_reply": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 message wamid.xsidjw chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1698269027 template_button "callback_data" "title" ctx(reply-to=wamid.xyzxyz== quoted-from=972123456789)"#,
        ],
        "quick_reply_without_context": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 message wamid.xsidjx chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1698269027 template_button "callback_data" "title""#,
        ],
    ]

    // MARK: pywa/tests/data/updates/callback_selection.json
    static let pywaCallbackSelection: [String: [String]] = [
        "callback": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.zyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1698266905 list_reply callback_data "title" ctx(reply-to=wamid.xyzxyz quoted-from=1122334455667)"#,
        ],
        "description": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.zyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1698266905 list_reply callback_data "title" "description" ctx(reply-to=wamid.xyzxyz quoted-from=1122334455667)"#,
        ],
    ]

    // MARK: pywa/tests/data/updates/deleted_message.json
    static let pywaDeletedMessage: [String: [String]] = [
        "revoke": [
            #"number <BUSINESS_PHONE_NUMBER_ID> display=<BUSINESS_DISPLAY_PHONE_NUMBER> waba=<WHATSAPP_BUSINESS_ACCOUNT_ID>"#,
            #"<BUSINESS_PHONE_NUMBER_ID> message <WHATSAPP_MESSAGE_ID> chat=<WHATSAPP_USER_PHONE_NUMBER>@s.whatsapp.net sender=<WHATSAPP_USER_PHONE_NUMBER>@s.whatsapp.net phone=+<WHATSAPP_USER_PHONE_NUMBER> bsuid=- name=- t=1697043223 revoke <ORIGINAL_WHATSAPP_MESSAGE_ID>"#,
        ],
    ]

    // MARK: pywa/tests/data/updates/edited_message.json
    static let pywaEditedMessage: [String: [String]] = [
        "image": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 message wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA= chat=16505551234@s.whatsapp.net sender=16505551234@s.whatsapp.net phone=+16505551234 bsuid=- name=- t=1749854575 edit wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA= "Updated image caption""#,
        ],
    ]

    // MARK: pywa/tests/data/updates/message.json
    static let pywaMessage: [String: [String]] = [
        "animated_sticker": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043785 sticker id=1234567890987654321 mime=image/webp sha256=HcwyCKrTKXHk0a00ms4HWIA76GY0Du6q4Z/iuwevw= animated"#,
        ],
        "audio": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043509 audio id=1234567890987654321 mime=audio/ogg; codecs=opus sha256=E3dxS/PdYZE7ppA3pQ4mpCFaXBJ8pX4SRN/dsfvds/iPGA= ctx(forwarded)"#,
        ],
        "chosen_location": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044557 location 37.4611978,-122.2164385 name="Facebook HQ" address="1 Hacker Way, Menlo Park, CA 94025" url=https://maps.google.com/?cid=2000000000000000000 ctx(forwarded)"#,
        ],
        "contacts": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044621 contacts ["Chandler Bing" phones=+1 555-555-5555 ids=972987654321; "Monica" phones=+1 666-666-6666 ids=972987654321; "Rachel Green" phones=+1 777-777-7777 ids=972987654321]"#,
        ],
        "current_location": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044557 location 12.25089,43.90539 ctx(forwarded)"#,
        ],
        "document": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043666 document id=1234567890987654321 mime=application/pdf sha256=grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY= caption="caption" file="filename.pdf" ctx(forwarded)"#,
        ],
        "forwarded": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044815 text "forwarded text" ctx(forwarded)"#,
        ],
        "forwarded_many_times": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044968 text "text forwarded many times" ctx(forwarded forwarded-many)"#,
        ],
        "image": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043379 image id=65463453 mime=image/jpeg sha256=4654+8g="#,
        ],
        "interactive_message_with_err": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.wegrchytvwcggt= chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1700505494 unsupported "interactive" ctx(reply-to=wamid.gvwegfretge== quoted-from=972123456789)"#,
            #"1122334455667 error 131000 "Something went wrong" "Unsupported webhook payload""#,
        ],
        "media_with_url": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043379 image id=65463453 mime=image/jpeg sha256=4654+8g= url=https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453&source=webhook&ext=487r9re&hash=heiwchueowbcew-dnedcw"#,
        ],
        "order": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044668 order catalog=354160437058781 text=- items=HAMBURGERx3@30ILS,FRENCH_FRIESx2@35ILS,SODAx2@10ILS"#,
        ],
        "reaction": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044456 reaction wamid.yzxyzx= "😮""#,
        ],
        "referral": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.ID chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697045000 text "BODY" ctx(referral=ad or post/ADID/CTWA_CLID)"#,
        ],
        "reply": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044746 text "replied text" ctx(reply-to=wamid.xyzxyz== quoted-from=972123456789)"#,
        ],
        "static_sticker": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043760 sticker id=1234567890987654321 mime=image/webp sha256=OmT4nhjUhCMIPNmj7eeOZeCYjTXkLxoOv85OMCFwSuc="#,
        ],
        "text": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043223 text "Body Text""#,
        ],
        "unreaction_empty": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044456 reaction wamid.yzxyzx= removed"#,
        ],
        "unreaction_no_emoji": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044456 reaction wamid.yzxyzx= removed"#,
        ],
        "unsupported": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044706 unsupported "unsupported" errors=[131051 "Message type unknown" "Message type is currently not supported."]"#,
        ],
        "unsupported_with_type": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044706 unsupported "unsupported: pool" errors=[131051 "Message type unknown" "Message type is currently not supported."]"#,
        ],
        "video": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697044362 video id=765756756 mime=video/mp4 sha256=Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s03w9Jc= caption="caption" ctx(forwarded)"#,
        ],
        "voice": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=US.13491208655302741918 name="Test Name" t=1697043473 voice id=1234567890987654321 mime=audio/ogg; codecs=opus sha256=m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI="#,
        ],
    ]

    // MARK: pywa/tests/data/updates/message_status.json
    static let pywaMessageStatus: [String: [String]] = [
        "delivered": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 status wamid.xyzxyz delivered chat=972987654321@s.whatsapp.net t=1698266945 bsuid=US.13491208655302741918"#,
        ],
        "failed": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 status wamid.xyzxyz failed chat=972987654321@s.whatsapp.net t=1689380458 bsuid=US.13491208655302741918 errors=[130472 "User's number is part of an experiment" "Failed to send message because this user's phone number is part of an experiment"]"#,
        ],
        "group": [
            #"number <BUSINESS_PHONE_NUMBER_ID> display=<BUSINESS_DISPLAY_PHONE_NUMBER> waba=<WHATSAPP_BUSINESS_ACCOUNT_ID>"#,
            #"<BUSINESS_PHONE_NUMBER_ID> status <WHATSAPP_MESSAGE_ID> read chat=fowefinoewcnw@g.us t=1698266945 participant=<GROUP_PARTICIPANT_USER_PHONE_NUMBER>@s.whatsapp.net bsuid=US.123456"#,
        ],
        "played": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 status wamid.xyzxyz played chat=972987654321@s.whatsapp.net t=1689380458 bsuid=US.13491208655302741918"#,
        ],
        "read": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 status wamid.xyzxyz read chat=972987654321@s.whatsapp.net t=1689380458 bsuid=US.13491208655302741918"#,
        ],
        "sent": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 status wamid.xyzxyz sent chat=972987654321@s.whatsapp.net t=1698266945 bsuid=US.13491208655302741918"#,
        ],
        "with_tracker": [
            #"number 1122334455667 display=972123456789 waba=5467539754836534"#,
            #"1122334455667 status wamid.xyzxyz sent chat=972987654321@s.whatsapp.net t=1698266945 bsuid=US.13491208655302741918 callback="some data""#,
        ],
    ]

    // MARK: pywa/tests/data/updates/outgoing_message.json
    static let pywaOutgoingMessage: [String: [String]] = [
        "delete": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.yyyyyy chat=972987654321@s.whatsapp.net sender=972123456789@s.whatsapp.net phone=+972123456789 bsuid=- name=- t=1697044968 fromMe revoke wamid.zzzzzz"#,
        ],
        "edit": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.yyyyyy chat=972987654321@s.whatsapp.net sender=972123456789@s.whatsapp.net phone=+972123456789 bsuid=- name=- t=1697044968 fromMe edit wamid.zzzzzz "Text was edited""#,
        ],
        "text": [
            #"number 1122334455667 display=972123456789 waba=<WHATSAPP_BUSINESS_ACCOUNT_ID>"#,
            #"1122334455667 message <WHATSAPP_MESSAGE_ID> chat=<WHATSAPP_USER_PHONE_NUMBER>@s.whatsapp.net sender=972123456789@s.whatsapp.net phone=+972123456789 bsuid=- name=- t=1697043223 fromMe text "Test message""#,
        ],
    ]

    // MARK: pywa/tests/data/updates/system.json
    static let pywaSystem: [String: [String]] = [
        "identity_change": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=- name="User A" t=1697044706 system customer_identity_changed "User identity changed" new=-"#,
        ],
        "phone_number_change": [
            #"number 1122334455667 display=972123456789 waba=1234567890987654321"#,
            #"1122334455667 message wamid.xyzxyz== chat=972987654321@s.whatsapp.net sender=972987654321@s.whatsapp.net phone=+972987654321 bsuid=- name=- t=1753851315 system user_changed_number "User A changed from 972987654321 to 972912345678" new=972912345678"#,
        ],
    ]

    // MARK: pywa/tests/data/updates/template_status_update.json
    static let pywaTemplateStatusUpdate: [String: [String]] = [
        "approved": [
            #"waba 102290129340398 event template 1689556908129832 order_confirmation en_US APPROVED reason=NONE"#,
        ],
        "rejected": [
            #"waba 102290129340398 event template 1689556908129835 abandoned_cart en REJECTED reason=INVALID_FORMAT"#,
        ],
    ]

    // MARK: pywa/tests/data/updates/user_marketing_preferences.json
    static let pywaUserMarketingPreferences: [String: [String]] = [
        "resume": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 event user_preference 16505551234 marketing_messages resume "User requested to resume marketing messages""#,
        ],
        "signup": [
            #"number 106540352242922 display=15550783881 waba=102290129340398"#,
            #"106540352242922 event user_preference 16505551234 marketing_messages signup "User signed up via signup link""#,
        ],
    ]

    // MARK: whatsapp-api-js/test/payloads/v25/delivered.json
    static let jsDelivered: [String: [String]] = [
        "": [
            #"number 123456123 display=16505551111 waba=1"#,
            #"123456123 status ABGGFlA5Fpa delivered chat=16315551181@s.whatsapp.net t=1504902988 bsuid=US.13491208655302741918"#,
        ],
    ]

    // MARK: whatsapp-api-js/test/payloads/v25/incoming.json
    static let jsIncoming: [String: [String]] = [
        "": [
            #"number 123456123 display=16505551111 waba=1"#,
            #"123456123 message ABGGFlA5Fpa chat=16315551181@s.whatsapp.net sender=16315551181@s.whatsapp.net phone=+16315551181 bsuid=US.13491208655302741918 name="test user name" t=1504902988 text "this is a text message""#,
        ],
    ]

    // MARK: whatsapp-api-js/test/payloads/v25/read.json
    static let jsRead: [String: [String]] = [
        "": [
            #"number 123456123 display=16505551111 waba=1"#,
            #"123456123 status ABGGFlA5Fpa read chat=16315551181@s.whatsapp.net t=1504902988 bsuid=US.13491208655302741918"#,
        ],
    ]

    // MARK: whatsapp-api-js/test/payloads/v25/sent.json
    static let jsSent: [String: [String]] = [
        "": [
            #"number 123456123 display=16505551111 waba=1"#,
            #"123456123 status ABGGFlA5Fpa sent chat=16315551181@s.whatsapp.net t=1504902988 bsuid=US.13491208655302741918"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/audioMessage.json
    static let javaAudioMessage: [String: [String]] = [
        "": [
            #"number 1111111111111 display=1111111111111 waba=1111111111111"#,
            #"1111111111111 message wamid.HBzk5zNkE1NNzAzgNNTUyNMDkzIYFDNFNhjMyNjcUCABQjA1NzcDY0M0AA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673033070 voice id=827776106019109 mime=audio/ogg; codecs=opus sha256=iWa0+O81ZLcSkZx6n4QAmrWuHpn8HWFX3gB6a3fQtmk="#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/buttonMessage.json
    static let javaButtonMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673023653 template_button "SIM" "SIM" ctx(reply-to=wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== quoted-from=43330585569)"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/contactMessage.json
    static let javaContactMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.HBgNNEMkNETUyNUCDkzNABIYFDNFQjA1zk5NzAzMhQjA5OTFQjNFQkU3AA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673641462 contacts ["Person Ok" phones=+55 11 11111-1111 ids=5511111111111]"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/documentMessage.json
    static let javaDocumentMessage: [String: [String]] = [
        "": [
            #"number 1111111111111 display=1111111111111 waba=1111111111111"#,
            #"1111111111111 message wamid.HBgABIYNNTUyxMEFFk5NzATY2QT0TY2QT0zMDkzNhUCFDNFQjBFMNzARjFDQQ1AA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673034392 document id=848704520347750 mime=application/pdf sha256=mu/J5jGsroQM3Tbn4c6StBJG4C4glbTi8gT4jhRHSt0= file="4_641947.pdf""#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/imageMessage.json
    static let javaImageMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.HBgODE0NDQwANNTTBGRjkUyNzkzNhUCABIYFDNF5NzAzMDkQjBEQ3NjdBA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673032525 image id=8472976218001204 mime=image/jpeg sha256=ciJuSxU7RLnnFz3cNcasdL7UQKt9e1yj/3u+Rhsabv0="#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/locationMessage.json
    static let javaLocationMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.HBgNNVENjUTzk5NzAzMUyNDkzIYFDNBMERNhUCABBMkYzNjhFQzzNEUwAA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673641462 location -10.93941311633,-10.606395436721 url=https://foursquare.com/v/5c42c5667d8497002c6e09f9"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/mediaUploadError.json
    static let javaMediaUploadError: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 status wamid.HBgNNTUyNzk5NzAUZBQTI3MzRGRDA3MjgzMDkzNhUCABEYEjNCR2OQA= failed chat=1111111111111@s.whatsapp.net t=1677783372 errors=[131053 "Media upload error" "Unsupported Video mime type text/html. Please use one of video/3gpp, video/mp4."]"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/messageDeleted.json
    static let javaMessageDeleted: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673026174 unsupported "unsupported" errors=[131051 "Message type unknown" "Message type is currently not supported."]"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/reEngagementMessageError.json
    static let javaReEngagementMessageError: [String: [String]] = [
        "": [
            #"number 109999999999999 display=101010101010 waba=111111111111111"#,
            #"109999999999999 status wamid.HBgNN5NzAzMDkTUyNzkzNhUEjA1MjUwNCAUIyNEYUQ0OTVGNTY0MwA= failed chat=5511111111111@s.whatsapp.net t=1682651887 errors=[131047 "Re-engagement message" "Message failed to send because more than 24 hours have passed since the customer last replied to this number."]"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/reactMessage.json
    static let javaReactMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673026587 reaction wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== "👍""#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/stickerMessage.json
    static let javaStickerMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673028387 sticker id=1604825680670873 mime=image/webp sha256=pBKxk2Fu9/n+VKiP4Lve+mWg5b+jPorDpPqtelcS1D0="#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/textMessage.json
    static let javaTextMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1672947578 text "hi everyone!""#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/textMessage2.json
    static let javaTextMessage2: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== chat=409552778964973@s.whatsapp.net sender=409552778964973@s.whatsapp.net phone=+409552778964973 bsuid=- name=- t=1673020315 text "Good afternoon""#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/textMessageStatusDelivered.json
    static let javaTextMessageStatusDelivered: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 status wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== delivered chat=1111111111111@s.whatsapp.net t=1673020317"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/textMessageStatusSent.json
    static let javaTextMessageStatusSent: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 status wamid.nBgN6TUyN2k5NzAzM5kzNhUCABI8FDNFQjAxQkE5REI4NEUzQ5Y5QTNgAA== sent chat=1111111111111@s.whatsapp.net t=1673020317"#,
        ],
    ]

    // MARK: whatsapp-business-java-api/src/test/resources/deserialization/videoMessage.json
    static let javaVideoMessage: [String: [String]] = [
        "": [
            #"number 409552778964973 display=43330585569 waba=880480571844883"#,
            #"409552778964973 message wamid.HBgNNTUyNzk5NzAzMDkzNhUCABIYFDNFQjAwQjVGQUFGOEVDMTUyMTJBAA== chat=1111111111111@s.whatsapp.net sender=1111111111111@s.whatsapp.net phone=+1111111111111 bsuid=- name="Mauricio Binda" t=1673029501 video id=661828760183585 mime=video/mp4 sha256=waIq5BBe5GgjT6DHWu3LY9F8jYOZzYLHRRRGDTbipNk= caption="hello world""#,
        ],
    ]
}
