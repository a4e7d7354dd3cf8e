#!/bin/sh
# Makes test certificates for the reference receiver in DIR:
#   ca.pem / ca.key             test CA
#   server.pem / server.key     server certificate for 127.0.0.1 and localhost, signed by the CA
#   client.pem / client.key     client certificate, signed by the CA
#   other-client.pem / .key     client certificate signed by the unrelated CA
#   other-ca.pem / other-ca.key an unrelated CA, for "wrong CA" tests
# EC P-256 keys keep it quick. Needs openssl (Debian package openssl).
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

ca() {
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$1.pem" 2>/dev/null
}

# leaf NAME CN EXTENSIONS [CA]: a certificate signed by CA (default ca)
leaf() {
    issuer=${4:-ca}
    key "$1.key"
    openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
    printf '%s\n' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -CAcreateserial \
        -sha256 -days 825 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
}

ca ca "Schalter Test CA"
ca other-ca "Unrelated Test CA"
leaf server "127.0.0.1" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
leaf client "schalter-test-workstation" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
leaf other-client "unknown-workstation" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth" other-ca
rm -f ca.srl other-ca.srl
chmod 644 ca.pem other-ca.pem server.pem client.pem other-client.pem
