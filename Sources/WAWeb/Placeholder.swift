// The WhatsApp Web client.
