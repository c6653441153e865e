"""Certificates, CSRs, CRLs, OCSP, PKCS#7/CMS, S/MIME, PKCS#12 and X.509
cross-certificate pairs, made by openssl, GnuTLS certtool and
pyca/cryptography (asn1crypto only for the cross-certificate pair, which no
tool writes)."""

import datetime
import os

from common import PASSWORD, det_bytes, emit, read, run, sh, tool_version, wpath

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, ed448, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

OPENSSL = tool_version(["openssl", "version"])
CERTTOOL = tool_version(["certtool", "--version"])
import cryptography

PYCA = f"pyca/cryptography {cryptography.__version__}"

# name, openssl genpkey arguments (DSA keys are made from parameters)
KEYS = [
    ("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]),
    ("rsa2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
    ("rsa3072", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]),
    ("rsa4096", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"]),
    ("rsa2048e3", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_pubexp:3"]),
    ("p192", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime192v1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("p224", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp224r1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("p521", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("secp256k1", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("bp256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("bp384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP384r1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("bp512", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP512r1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("ed25519", ["-algorithm", "ED25519"]),
    ("ed448", ["-algorithm", "ED448"]),
    ("dsa1024", None),
    ("dsa2048", None),
    ("dsa3072", None),
]
SIGNING = [k for k, _ in KEYS]
AGREEMENT = ["x25519", "x448"]


def ossl_keys():
    """Makes every key of KEYS (and X25519/X448) as PKCS#8 PEM in the
    scratch directory; returns the names."""
    for name, args in KEYS:
        if args is None:
            bits = name[3:]
            run(["openssl", "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", f"dsa_paramgen_bits:{bits}",
                 "-out", f"{name}.params.pem"])
            run(["openssl", "genpkey", "-paramfile", f"{name}.params.pem", "-out", f"{name}.key"])
        else:
            run(["openssl", "genpkey", *args, "-out", f"{name}.key"])
    for name in AGREEMENT:
        run(["openssl", "genpkey", "-algorithm", name.upper(), "-out", f"{name}.key"])
        run(["openssl", "pkey", "-in", f"{name}.key", "-pubout", "-out", f"{name}.pub"])


def digest_args(name):
    return [] if name in ("ed25519", "ed448") else ["-sha256"]


def der(pem_name, kind="x509"):
    return run(["openssl", kind, "-in", pem_name, "-outform", "DER"])


EXT_CA = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"
EXT_LEAF = ("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:{name}.corpus.fx.invalid\n"
            "authorityKeyIdentifier=keyid\n")


def openssl_pki():
    """Self-signed and CA-signed certificates of every key, a chain bundle,
    CSRs; returns nothing (files are in the scratch dir and emitted)."""
    ossl_keys()
    # root (RSA-3072) and intermediate (P-384) CAs
    with open(wpath("ca.ext"), "w") as f:
        f.write(EXT_CA)
    run(["openssl", "req", "-x509", "-new", "-key", "rsa3072.key", "-sha256", "-days", "7300",
         "-subj", "/C=ZZ/O=fx corpus/CN=fx corpus root CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "root.pem", "-set_serial", "1"])
    run(["openssl", "req", "-new", "-key", "p384.key", "-subj", "/C=ZZ/O=fx corpus/CN=fx corpus intermediate CA",
         "-out", "int.csr"])
    run(["openssl", "x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "rsa3072.key", "-set_serial", "2",
         "-days", "3650", "-sha384", "-extfile", "ca.ext", "-out", "int.pem"])
    serial = 100
    for name in SIGNING:
        # self-signed
        run(["openssl", "req", "-x509", "-new", "-key", f"{name}.key", *digest_args(name), "-days", "3650",
             "-subj", f"/O=fx corpus/CN=fx corpus self-signed {name}", "-set_serial", str(serial), "-out", f"{name}.ss.pem"])
        serial += 1
        emit("x509_cert", f"certs/openssl/{name}-selfsigned.pem", read(f"{name}.ss.pem"),
             f"{OPENSSL}: openssl req -x509 -new -key <{name} key>")
        emit("x509_cert", f"certs/openssl/{name}-selfsigned.der", der(f"{name}.ss.pem"),
             f"{OPENSSL}: openssl req -x509 -new -key <{name} key>; openssl x509 -outform DER")
        # leaf signed by the intermediate
        with open(wpath(f"{name}.ext"), "w") as f:
            f.write(EXT_LEAF.format(name=name))
        run(["openssl", "req", "-new", "-key", f"{name}.key", *digest_args(name),
             "-subj", f"/O=fx corpus/CN={name}.corpus.fx.invalid", "-out", f"{name}.csr"])
        run(["openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "int.pem", "-CAkey", "p384.key",
             "-set_serial", str(serial), "-days", "825", "-sha384", "-extfile", f"{name}.ext", "-out", f"{name}.leaf.pem"])
        serial += 1
        emit("x509_cert", f"certs/openssl/{name}-leaf.pem", read(f"{name}.leaf.pem"),
             f"{OPENSSL}: openssl x509 -req -CA <P-384 intermediate> (leaf key {name})")
        emit("csr", f"csr/openssl/{name}.csr.pem", read(f"{name}.csr"),
             f"{OPENSSL}: openssl req -new -key <{name} key>")
        if name in ("rsa2048", "p256", "ed25519", "dsa2048", "p521", "ed448"):
            emit("csr", f"csr/openssl/{name}.csr.der", der(f"{name}.csr", "req"),
                 f"{OPENSSL}: openssl req -new -key <{name} key> -outform DER")
    for name in AGREEMENT:  # X25519/X448 keys can only be certified by another key
        with open(wpath(f"{name}.ext"), "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyAgreement\n")
        run(["openssl", "req", "-new", "-key", "p384.key", "-subj", f"/O=fx corpus/CN=fx corpus {name}", "-out", f"{name}.csr"])
        run(["openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "int.pem", "-CAkey", "p384.key",
             "-force_pubkey", f"{name}.pub", "-set_serial", str(serial), "-days", "825", "-extfile", f"{name}.ext",
             "-out", f"{name}.leaf.pem"])
        serial += 1
        emit("x509_cert", f"certs/openssl/{name}-leaf.pem", read(f"{name}.leaf.pem"),
             f"{OPENSSL}: openssl x509 -req -force_pubkey <{name} key> -CA <P-384 intermediate>")
        emit("x509_cert", f"certs/openssl/{name}-leaf.der", der(f"{name}.leaf.pem"),
             f"{OPENSSL}: openssl x509 -req -force_pubkey <{name} key>; -outform DER")
    emit("x509_cert", "certs/openssl/root-ca.pem", read("root.pem"), f"{OPENSSL}: openssl req -x509 (RSA-3072 root CA)")
    emit("x509_cert", "certs/openssl/intermediate-ca.der", der("int.pem"), f"{OPENSSL}: openssl x509 -req (P-384 intermediate CA)")
    chain = read("rsa2048.leaf.pem") + read("int.pem") + read("root.pem")
    emit("x509_cert", "certs/openssl/chain-rsa2048.pem", chain, f"{OPENSSL}: leaf + intermediate + root, concatenated PEM")
    chain = read("ed25519.leaf.pem") + read("int.pem")
    emit("x509_cert", "certs/openssl/chain-ed25519.pem", chain, f"{OPENSSL}: leaf + intermediate, concatenated PEM")


def certtool_pki():
    tmpl = 'cn = "fx corpus certtool {name}"\norganization = "fx corpus"\nserial = {serial}\nexpiration_days = 3650\n{extra}'
    specs = [
        ("rsa2048", ["--key-type", "rsa", "--bits", "2048"]),
        ("rsa3072", ["--key-type", "rsa", "--bits", "3072"]),
        ("p256", ["--key-type", "ecdsa", "--curve", "secp256r1"]),
        ("p384", ["--key-type", "ecdsa", "--curve", "secp384r1"]),
        ("p521", ["--key-type", "ecdsa", "--curve", "secp521r1"]),
        ("ed25519", ["--key-type", "ed25519"]),
        ("ed448", ["--key-type", "ed448"]),
        ("dsa2048", ["--key-type", "dsa", "--bits", "2048"]),
    ]
    serial = 500
    for name, args in specs:
        run(["certtool", "--generate-privkey", *args, "--outfile", f"gt-{name}.key"])
        with open(wpath(f"gt-{name}.tmpl"), "w") as f:
            f.write(tmpl.format(name=name, serial=serial, extra="ca\ncert_signing_key\n" if name == "rsa3072" else "tls_www_server\nsigning_key\n"))
        serial += 1
        run(["certtool", "--generate-self-signed", "--load-privkey", f"gt-{name}.key", "--template", f"gt-{name}.tmpl",
             "--outfile", f"gt-{name}.pem"])
        emit("x509_cert", f"certs/certtool/{name}-selfsigned.pem", strip_certtool_text(read(f"gt-{name}.pem")),
             f"{CERTTOOL}: certtool --generate-self-signed ({' '.join(args)})")
        run(["certtool", "--generate-request", "--load-privkey", f"gt-{name}.key", "--template", f"gt-{name}.tmpl",
             "--outfile", f"gt-{name}.csr"])
        emit("csr", f"csr/certtool/{name}.csr.pem", strip_certtool_text(read(f"gt-{name}.csr")),
             f"{CERTTOOL}: certtool --generate-request ({' '.join(args)})")
    # a leaf signed by the certtool RSA CA, in DER
    with open(wpath("gt-leaf.tmpl"), "w") as f:
        f.write(tmpl.format(name="leaf", serial=600, extra="tls_www_client\nsigning_key\n"))
    run(["certtool", "--generate-certificate", "--load-privkey", "gt-p256.key", "--load-ca-privkey", "gt-rsa3072.key",
         "--load-ca-certificate", "gt-rsa3072.pem", "--template", "gt-leaf.tmpl", "--outfile", "gt-leaf.pem"])
    run(["certtool", "--certificate-info", "--infile", "gt-leaf.pem", "--outder", "--outfile", "gt-leaf.der"])
    emit("x509_cert", "certs/certtool/p256-leaf-by-rsa3072.der", read("gt-leaf.der"),
         f"{CERTTOOL}: certtool --generate-certificate --outder")
    # CRL
    with open(wpath("gt-crl.tmpl"), "w") as f:
        f.write("crl_next_update = 30\ncrl_number = 7\n")
    run(["certtool", "--generate-crl", "--load-ca-privkey", "gt-rsa3072.key", "--load-ca-certificate", "gt-rsa3072.pem",
         "--load-certificate", "gt-leaf.pem", "--template", "gt-crl.tmpl", "--outfile", "gt-crl.pem"])
    emit("crl", "crl/certtool/rsa3072-one-revoked.crl.pem", strip_certtool_text(read("gt-crl.pem")),
         f"{CERTTOOL}: certtool --generate-crl (one revoked certificate)")
    # PKCS#7 certificate bundle and PKCS#12
    sh("cat gt-leaf.pem gt-rsa3072.pem > gt-chain.pem")
    run(["certtool", "--p7-generate", "--load-certificate", "gt-chain.pem", "--outfile", "gt-chain.p7b"])
    emit("pkcs7", "pkcs7/certtool/chain.p7b.pem", strip_certtool_text(read("gt-chain.p7b")),
         f"{CERTTOOL}: certtool --p7-generate (two certificates)")
    with open(wpath("msg.txt"), "w") as f:
        f.write("fx corpus: a message signed by certtool.\n")
    run(["certtool", "--p7-sign", "--load-privkey", "gt-p256.key", "--load-certificate", "gt-leaf.pem",
         "--infile", "msg.txt", "--outfile", "gt-signed.p7", "--p7-include-cert"])
    emit("pkcs7", "pkcs7/certtool/signed-attached.p7.pem", strip_certtool_text(read("gt-signed.p7")),
         f"{CERTTOOL}: certtool --p7-sign --p7-include-cert (P-256 signer)")
    run(["certtool", "--to-p12", "--load-privkey", "gt-p256.key", "--load-certificate", "gt-leaf.pem",
         "--p12-name", "fx corpus", "--password", PASSWORD, "--outder", "--outfile", "gt.p12"])
    emit("pkcs12", "pkcs12/certtool/p256.p12", read("gt.p12"), f"{CERTTOOL}: certtool --to-p12 --outder",
         password=PASSWORD)


def strip_certtool_text(pem):
    """certtool prints a human-readable dump before the PEM block; the
    committed file keeps that dump (it is what certtool writes), so nothing
    is stripped. Kept as a function to say so explicitly."""
    return pem


def openssl_crl_ocsp_pkcs():
    """CRLs with `openssl ca`, OCSP requests and responses with `openssl
    ocsp`, PKCS#7/CMS with crl2pkcs7/cms/smime, S/MIME, PKCS#12."""
    # a minimal `openssl ca` setup around the intermediate
    sh("mkdir -p ca/newcerts && : > ca/index.txt && echo 1000 > ca/crlnumber && echo 2000 > ca/serial")
    conf = f"""[ca]
default_ca = fx
[fx]
dir = {wpath('ca')}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha384
default_crl_days = 30
policy = any
[any]
commonName = supplied
"""
    with open(wpath("ca.cnf"), "w") as f:
        f.write(conf)
    run(["openssl", "ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "p384.key", "-cert", "int.pem", "-out", "empty.crl"])
    emit("crl", "crl/openssl/p384-empty.crl.pem", read("empty.crl"), f"{OPENSSL}: openssl ca -gencrl (no revocations)")
    for i, (name, reason) in enumerate([("rsa2048", "keyCompromise"), ("p256", "superseded"), ("ed25519", "cessationOfOperation")]):
        run(["openssl", "ca", "-config", "ca.cnf", "-revoke", f"{name}.leaf.pem", "-keyfile", "p384.key", "-cert", "int.pem",
             "-crl_reason", reason])
    run(["openssl", "ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "p384.key", "-cert", "int.pem", "-out", "three.crl"])
    emit("crl", "crl/openssl/p384-three-revoked.crl.pem", read("three.crl"), f"{OPENSSL}: openssl ca -revoke ×3; -gencrl")
    emit("crl", "crl/openssl/p384-three-revoked.crl.der", run(["openssl", "crl", "-in", "three.crl", "-outform", "DER"]),
         f"{OPENSSL}: openssl ca -gencrl; openssl crl -outform DER")

    # OCSP
    run(["openssl", "ocsp", "-issuer", "int.pem", "-cert", "rsa2048.leaf.pem", "-reqout", "req1.der", "-no_nonce"])
    emit("ocsp", "ocsp/openssl/request-one.der", read("req1.der"), f"{OPENSSL}: openssl ocsp -issuer -cert -reqout -no_nonce")
    run(["openssl", "ocsp", "-issuer", "int.pem", "-cert", "rsa2048.leaf.pem", "-cert", "p256.leaf.pem", "-cert",
         "ed448.leaf.pem", "-reqout", "req3.der", "-nonce"])
    emit("ocsp", "ocsp/openssl/request-three-nonce.der", read("req3.der"), f"{OPENSSL}: openssl ocsp -cert ×3 -nonce -reqout")
    run(["openssl", "ocsp", "-sha256", "-issuer", "int.pem", "-cert", "p256.leaf.pem", "-reqout", "req-signed.der", "-signer",
         "p256.leaf.pem", "-signkey", "p256.key"])
    emit("ocsp", "ocsp/openssl/request-signed.der", read("req-signed.der"), f"{OPENSSL}: openssl ocsp -signer -signkey -reqout")
    # responses from the CA database (three revoked, the rest unknown)
    for req, out, extra in [("req1.der", "resp-revoked.der", []), ("req3.der", "resp-three.der", ["-resp_key_id"]),
                            ("req-signed.der", "resp-nocerts.der", ["-resp_no_certs"])]:
        run(["openssl", "ocsp", "-index", "ca/index.txt", "-rsigner", "int.pem", "-rkey", "p384.key", "-CA", "int.pem",
             "-reqin", req, "-respout", out, "-ndays", "7", *extra])
        emit("ocsp", f"ocsp/openssl/{out}", read(out), f"{OPENSSL}: openssl ocsp -index -rsigner -reqin -respout {' '.join(extra)}")

    # PKCS#7 / CMS
    run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", "rsa2048.leaf.pem", "-certfile", "int.pem", "-certfile", "root.pem",
         "-out", "chain.p7b"])
    emit("pkcs7", "pkcs7/openssl/chain.p7b", read("chain.p7b"), f"{OPENSSL}: openssl crl2pkcs7 -nocrl -certfile ×3")
    emit("pkcs7", "pkcs7/openssl/chain.p7b.der", run(["openssl", "pkcs7", "-in", "chain.p7b", "-outform", "DER"]),
         f"{OPENSSL}: openssl crl2pkcs7; openssl pkcs7 -outform DER")
    run(["openssl", "crl2pkcs7", "-in", "three.crl", "-certfile", "int.pem", "-out", "crl.p7b"])
    emit("pkcs7", "pkcs7/openssl/crl-and-cert.p7b", read("crl.p7b"), f"{OPENSSL}: openssl crl2pkcs7 -in <crl> -certfile")
    with open(wpath("msg.txt"), "w") as f:
        f.write("fx corpus: a message signed and encrypted by openssl.\r\n")
    for name in ("rsa2048", "p256", "p521"):
        run(["openssl", "cms", "-sign", "-in", "msg.txt", "-signer", f"{name}.leaf.pem", "-inkey", f"{name}.key",
             "-md", "sha512", "-outform", "DER", "-nodetach", "-binary", "-out", f"cms-{name}.der"])
        emit("pkcs7", f"pkcs7/openssl/cms-signed-{name}.der", read(f"cms-{name}.der"),
             f"{OPENSSL}: openssl cms -sign -nodetach -outform DER ({name} signer)")
    run(["openssl", "cms", "-sign", "-in", "msg.txt", "-signer", "p384.leaf.pem", "-inkey", "p384.key", "-outform", "PEM",
         "-out", "cms-detached.pem", "-binary"])
    emit("pkcs7", "pkcs7/openssl/cms-signed-detached-p384.pem", read("cms-detached.pem"),
         f"{OPENSSL}: openssl cms -sign (detached) -outform PEM")
    run(["openssl", "cms", "-sign", "-in", "msg.txt", "-signer", "rsa3072.leaf.pem", "-inkey", "rsa3072.key", "-outform", "DER",
         "-nocerts", "-nodetach", "-binary", "-out", "cms-nocerts.der"])
    emit("pkcs7", "pkcs7/openssl/cms-signed-nocerts-rsa3072.der", read("cms-nocerts.der"),
         f"{OPENSSL}: openssl cms -sign -nocerts -nodetach -outform DER")
    run(["openssl", "smime", "-sign", "-in", "msg.txt", "-signer", "rsa4096.leaf.pem", "-inkey", "rsa4096.key", "-outform",
         "PEM", "-nodetach", "-binary", "-out", "p7-signed.pem"])
    emit("pkcs7", "pkcs7/openssl/pkcs7-signed-rsa4096.pem", read("p7-signed.pem"),
         f"{OPENSSL}: openssl smime -sign -nodetach -outform PEM")
    run(["openssl", "cms", "-encrypt", "-in", "msg.txt", "-aes256", "-outform", "DER", "-out", "cms-enveloped.der",
         "rsa2048.leaf.pem"])
    emit("pkcs7", "pkcs7/openssl/cms-enveloped-rsa2048.der", read("cms-enveloped.der"),
         f"{OPENSSL}: openssl cms -encrypt -aes256 -outform DER (RSA recipient)")
    run(["openssl", "cms", "-encrypt", "-in", "msg.txt", "-aes128", "-outform", "PEM", "-out", "cms-enveloped-ec.pem",
         "p256.leaf.pem"])
    emit("pkcs7", "pkcs7/openssl/cms-enveloped-p256.pem", read("cms-enveloped-ec.pem"),
         f"{OPENSSL}: openssl cms -encrypt -aes128 -outform PEM (ECDH recipient)")

    # S/MIME
    for name, args, what in [
        ("signed-detached-rsa2048", ["smime", "-sign", "-signer", "rsa2048.leaf.pem", "-inkey", "rsa2048.key"], "openssl smime -sign (multipart/signed)"),
        ("signed-opaque-p256", ["smime", "-sign", "-nodetach", "-signer", "p256.leaf.pem", "-inkey", "p256.key"], "openssl smime -sign -nodetach"),
        ("cms-signed-p521", ["cms", "-sign", "-md", "sha512", "-outform", "SMIME", "-signer", "p521.leaf.pem", "-inkey", "p521.key"], "openssl cms -sign -outform SMIME"),
        ("enveloped-aes256", ["smime", "-encrypt", "-aes256", "rsa3072.leaf.pem"], "openssl smime -encrypt -aes256"),
        ("cms-enveloped-aes128", ["cms", "-encrypt", "-aes128", "-outform", "SMIME", "p384.leaf.pem"], "openssl cms -encrypt -outform SMIME"),
    ]:
        out = run(["openssl", args[0], "-in", "msg.txt", *args[1:]])
        emit("smime", f"smime/openssl/{name}.eml", out, f"{OPENSSL}: {what}")

    # PKCS#12
    for name, args in [
        ("default", []),
        ("legacy", ["-legacy"]),
        ("aes128-keypbe", ["-keypbe", "AES-128-CBC", "-certpbe", "AES-128-CBC"]),
        ("plain-safes", ["-keypbe", "NONE", "-certpbe", "NONE"]),
    ]:
        run(["openssl", "pkcs12", "-export", "-inkey", "rsa2048.key", "-in", "rsa2048.leaf.pem", "-certfile", "int.pem",
             "-name", "fx corpus", "-passout", f"pass:{PASSWORD}", *args, "-out", f"{name}.p12"])
        emit("pkcs12", f"pkcs12/openssl/rsa2048-{name}.p12", read(f"{name}.p12"),
             f"{OPENSSL}: openssl pkcs12 -export {' '.join(args)}", password=PASSWORD)
    run(["openssl", "pkcs12", "-export", "-nokeys", "-in", "root.pem", "-certfile", "int.pem", "-passout", f"pass:{PASSWORD}",
         "-out", "certs-only.p12"])
    emit("pkcs12", "pkcs12/openssl/certs-only.p12", read("certs-only.p12"), f"{OPENSSL}: openssl pkcs12 -export -nokeys",
         password=PASSWORD)
    run(["openssl", "pkcs12", "-export", "-inkey", "p384.key", "-in", "p384.leaf.pem", "-passout", f"pass:{PASSWORD}",
         "-out", "p384.p12"])
    emit("pkcs12", "pkcs12/openssl/p384-default.p12", read("p384.p12"), f"{OPENSSL}: openssl pkcs12 -export", password=PASSWORD)


def load_key(name):
    return serialization.load_pem_private_key(read(f"{name}.key"), None)


def pyca_pki():
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    root_key = load_key("rsa3072")
    root = x509.load_pem_x509_certificate(read("root.pem"))
    int_key = load_key("p384")
    inter = x509.load_pem_x509_certificate(read("int.pem"))

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fx corpus"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    keys = {
        "rsa2048": rsa.generate_private_key(65537, 2048),
        "p256": ec.derive_private_key(int.from_bytes(det_bytes("pyca-p256", 31), "big"), ec.SECP256R1()),
        "p384": ec.derive_private_key(int.from_bytes(det_bytes("pyca-p384", 47), "big"), ec.SECP384R1()),
        "secp256k1": ec.derive_private_key(int.from_bytes(det_bytes("pyca-k1", 31), "big"), ec.SECP256K1()),
        "ed25519": ed25519.Ed25519PrivateKey.from_private_bytes(det_bytes("pyca-ed25519", 32)),
        "ed448": ed448.Ed448PrivateKey.from_private_bytes(det_bytes("pyca-ed448", 57)),
    }
    leaves = {}
    for i, (kname, key) in enumerate(keys.items()):
        b = (x509.CertificateBuilder().subject_name(name(f"pyca {kname}")).issuer_name(inter.subject)
             .public_key(key.public_key()).serial_number(0x7000 + i)
             .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=398))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.SubjectAlternativeName([x509.DNSName(f"{kname}.pyca.corpus.fx.invalid")]), critical=False)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
        cert = b.sign(int_key, hashes.SHA384())
        leaves[kname] = cert
        emit("x509_cert", f"certs/pyca/{kname}-leaf.der", cert.public_bytes(serialization.Encoding.DER),
             f"{PYCA}: CertificateBuilder.sign (P-384 intermediate)")
        # self-signed
        algo = None if kname.startswith("ed") else hashes.SHA256()
        ss = (x509.CertificateBuilder().subject_name(name(f"pyca self-signed {kname}")).issuer_name(name(f"pyca self-signed {kname}"))
              .public_key(key.public_key()).serial_number(0x7100 + i)
              .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .sign(key, algo))
        emit("x509_cert", f"certs/pyca/{kname}-selfsigned.pem", ss.public_bytes(serialization.Encoding.PEM),
             f"{PYCA}: CertificateBuilder.sign (self-signed)")
        csr = (x509.CertificateSigningRequestBuilder().subject_name(name(f"pyca csr {kname}"))
               .add_extension(x509.SubjectAlternativeName([x509.DNSName(f"{kname}.csr.corpus.fx.invalid")]), critical=False)
               .sign(key, algo))
        enc = serialization.Encoding.DER if i % 2 else serialization.Encoding.PEM
        emit("csr", f"csr/pyca/{kname}.csr.{'der' if i % 2 else 'pem'}", csr.public_bytes(enc),
             f"{PYCA}: CertificateSigningRequestBuilder.sign")

    # CRLs signed by RSA, EC and Ed25519 keys
    for kname, key, issuer, algo in [("rsa3072", root_key, root.subject, hashes.SHA256()),
                                     ("p384", int_key, inter.subject, hashes.SHA384()),
                                     ("ed25519", keys["ed25519"], name("pyca self-signed ed25519"), None)]:
        b = (x509.CertificateRevocationListBuilder().issuer_name(issuer).last_update(now)
             .next_update(now + datetime.timedelta(days=7))
             .add_extension(x509.CRLNumber(42), critical=False))
        for s in range(3 if kname != "ed25519" else 40):
            r = (x509.RevokedCertificateBuilder().serial_number(0x9000 + s).revocation_date(now - datetime.timedelta(days=s))
                 .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False).build())
            b = b.add_revoked_certificate(r)
        crl = b.sign(key, algo)
        emit("crl", f"crl/pyca/{kname}.crl.der", crl.public_bytes(serialization.Encoding.DER),
             f"{PYCA}: CertificateRevocationListBuilder.sign")
        emit("crl", f"crl/pyca/{kname}.crl.pem", crl.public_bytes(serialization.Encoding.PEM),
             f"{PYCA}: CertificateRevocationListBuilder.sign, PEM")

    # OCSP requests and responses
    for kname in ("rsa2048", "ed25519"):
        req = ocsp.OCSPRequestBuilder().add_certificate(leaves[kname], inter, hashes.SHA256()).build()
        emit("ocsp", f"ocsp/pyca/request-{kname}-sha256.der", req.public_bytes(serialization.Encoding.DER),
             f"{PYCA}: OCSPRequestBuilder (SHA-256 cert id)")
        for status in ("good", "revoked"):
            b = ocsp.OCSPResponseBuilder().add_response(
                cert=leaves[kname], issuer=inter, algorithm=hashes.SHA256(),
                cert_status=ocsp.OCSPCertStatus.GOOD if status == "good" else ocsp.OCSPCertStatus.REVOKED,
                this_update=now, next_update=now + datetime.timedelta(days=1),
                revocation_time=None if status == "good" else now - datetime.timedelta(days=3),
                revocation_reason=None if status == "good" else x509.ReasonFlags.superseded,
            ).responder_id(ocsp.OCSPResponderEncoding.HASH, inter).certificates([inter])
            resp = b.sign(int_key, hashes.SHA384())
            emit("ocsp", f"ocsp/pyca/response-{kname}-{status}.der", resp.public_bytes(serialization.Encoding.DER),
                 f"{PYCA}: OCSPResponseBuilder.sign ({status})")
    for status in (ocsp.OCSPResponseStatus.TRY_LATER, ocsp.OCSPResponseStatus.UNAUTHORIZED):
        resp = ocsp.OCSPResponseBuilder.build_unsuccessful(status)
        emit("ocsp", f"ocsp/pyca/response-{status.name.lower()}.der", resp.public_bytes(serialization.Encoding.DER),
             f"{PYCA}: OCSPResponseBuilder.build_unsuccessful({status.name})")

    # PKCS#7
    certs = [leaves["p256"], inter, root]
    emit("pkcs7", "pkcs7/pyca/certs.p7b.der", pkcs7.serialize_certificates(certs, serialization.Encoding.DER),
         f"{PYCA}: pkcs7.serialize_certificates, DER")
    emit("pkcs7", "pkcs7/pyca/certs.p7b.pem", pkcs7.serialize_certificates(certs[:2], serialization.Encoding.PEM),
         f"{PYCA}: pkcs7.serialize_certificates, PEM")
    data = b"fx corpus: a message signed by pyca/cryptography.\r\n"
    for kname, enc, opts, ext in [("p256", serialization.Encoding.DER, [], "der"),
                                  ("rsa2048", serialization.Encoding.PEM, [], "pem"),
                                  ("p384", serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature], "der")]:
        sig = (pkcs7.PKCS7SignatureBuilder().set_data(data)
               .add_signer(leaves[kname], keys[kname], hashes.SHA256()).sign(enc, opts))
        emit("pkcs7", f"pkcs7/pyca/signed-{kname}.{ext}", sig, f"{PYCA}: PKCS7SignatureBuilder.sign {ext.upper()}{' detached' if opts else ''}")
    sm = (pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(leaves["rsa2048"], keys["rsa2048"], hashes.SHA256())
          .sign(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature]))
    emit("smime", "smime/pyca/signed-detached-rsa2048.eml", sm, f"{PYCA}: PKCS7SignatureBuilder.sign SMIME, detached")
    sm = (pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(leaves["p256"], keys["p256"], hashes.SHA256())
          .sign(serialization.Encoding.SMIME, []))
    emit("smime", "smime/pyca/signed-opaque-p256.eml", sm, f"{PYCA}: PKCS7SignatureBuilder.sign SMIME, opaque")
    if hasattr(pkcs7, "PKCS7EnvelopeBuilder"):
        env = (pkcs7.PKCS7EnvelopeBuilder().set_data(data).add_recipient(leaves["rsa2048"])
               .encrypt(serialization.Encoding.SMIME, []))
        emit("smime", "smime/pyca/enveloped-rsa2048.eml", env, f"{PYCA}: PKCS7EnvelopeBuilder.encrypt SMIME")
        env = (pkcs7.PKCS7EnvelopeBuilder().set_data(data).add_recipient(leaves["rsa2048"])
               .encrypt(serialization.Encoding.DER, []))
        emit("pkcs7", "pkcs7/pyca/enveloped-rsa2048.der", env, f"{PYCA}: PKCS7EnvelopeBuilder.encrypt DER")

    # PKCS#12
    for kname, enc, what in [
        ("p256", serialization.BestAvailableEncryption(PASSWORD.encode()), "BestAvailableEncryption"),
        ("ed25519", serialization.BestAvailableEncryption(PASSWORD.encode()), "BestAvailableEncryption"),
        ("rsa2048", serialization.NoEncryption(), "NoEncryption"),
        ("secp256k1", serialization.PrivateFormat.PKCS12.encryption_builder()
         .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(PASSWORD.encode()),
         "PBESv1SHA1And3KeyTripleDESCBC"),
    ]:
        p = pkcs12.serialize_key_and_certificates(b"fx corpus", keys[kname], leaves[kname], [inter], enc)
        emit("pkcs12", f"pkcs12/pyca/{kname}.p12", p, f"{PYCA}: pkcs12.serialize_key_and_certificates ({what})",
             password=PASSWORD)

    # X.509 cross-certificate pairs (RFC 4523 / X.509 CertificatePair):
    # no tool writes them, so asn1crypto encodes the structure around
    # certificates openssl made.
    from asn1crypto import core
    from asn1crypto import x509 as ax

    class CertificatePair(core.Sequence):
        _fields = [("forward", ax.Certificate, {"explicit": 0, "optional": True}),
                   ("reverse", ax.Certificate, {"explicit": 1, "optional": True})]

    rootc = ax.Certificate.load(root.public_bytes(serialization.Encoding.DER))
    interc = ax.Certificate.load(inter.public_bytes(serialization.Encoding.DER))
    gtc = ax.Certificate.load(read("gt-leaf.der"))
    import asn1crypto
    AC = f"asn1crypto {asn1crypto.__version__}"
    for nm, fields in [("forward-and-reverse", {"forward": interc, "reverse": rootc}),
                       ("forward-only", {"forward": interc}),
                       ("reverse-only", {"reverse": rootc}),
                       ("certtool-forward", {"forward": gtc, "reverse": interc})]:
        emit("cross_pair", f"cross-pair/{nm}.der", CertificatePair(fields).dump(),
             f"{AC}: CertificatePair {{forward [0], reverse [1]}} around openssl/certtool certificates")


def generate():
    openssl_pki()
    certtool_pki()
    openssl_crl_ocsp_pkcs()
    pyca_pki()
